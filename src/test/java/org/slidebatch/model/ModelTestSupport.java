package org.slidebatch.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Shared helpers: images, weights files in both namings, Debian's Python for cross-checks. */
final class ModelTestSupport {

    static final String PYTHON = "/usr/bin/python3";

    private static final Map<String, Boolean> PROBES = new LinkedHashMap<>();

    private ModelTestSupport() {
    }

    static float[] images(int n, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 3 * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    /**
     * Random weights whose every tensor matters (layer scale 0.1–0.5, LayerNorms and biases drawn), so that a wrong
     * mapping of any tensor changes the output.
     */
    static Map<String, SafeTensors.Tensor> lively(long seed) {
        Map<String, SafeTensors.Tensor> base = WeightsLoader.random(seed, FeatureHead.TIMM_POOLED_LAYERNORM).tensors();
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, SafeTensors.Tensor> e : base.entrySet()) {
            float[] v = e.getValue().data().clone();
            String k = e.getKey();
            for (int i = 0; i < v.length; i++) {
                if (k.endsWith(".gamma")) {
                    v[i] = (float) (0.1 + 0.4 * r.nextDouble());
                } else if (k.endsWith(".bias")) {
                    v[i] = (float) (0.1 * (r.nextDouble() - 0.5));
                } else if (e.getValue().shape().length == 1) {
                    v[i] = (float) (1 + 0.2 * (r.nextDouble() - 0.5));
                }
            }
            out.put(k, new SafeTensors.Tensor(e.getValue().shape(), v));
        }
        return out;
    }

    /** The same tensors under torchvision's key names (layer scale as dim×1×1), plus a 10-class head Linear. */
    static Map<String, SafeTensors.Tensor> torchvisionNamed(Map<String, SafeTensors.Tensor> timm) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, SafeTensors.Tensor> e : timm.entrySet()) {
            SafeTensors.Tensor t = e.getValue();
            if (e.getKey().endsWith(".gamma")) {
                t = new SafeTensors.Tensor(new long[] {t.shape()[0], 1, 1}, t.data());
            }
            out.put(WeightsLoader.torchvisionName(e.getKey()), t);
        }
        out.put("classifier.2.weight", new SafeTensors.Tensor(new long[] {10, 768}, new float[7680]));
        out.put("classifier.2.bias", new SafeTensors.Tensor(new long[] {10}, new float[10]));
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** Skips the test unless /usr/bin/python3 imports {@code modules} (e.g. "numpy" or "numpy, torch"). */
    static synchronized void assumePython(String modules) {
        Boolean ok = PROBES.get(modules);
        if (ok == null) {
            ok = probe(modules);
            PROBES.put(modules, ok);
        }
        assumeTrue(ok, "skipped: " + PYTHON + " cannot import " + modules + " (Debian: python3-numpy, python3-torch)");
    }

    private static boolean probe(String modules) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import " + modules).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs a Python script with arguments; returns stdout, failing with stderr on a non-zero exit. */
    static String python(Path dir, String script, String... args) throws IOException, InterruptedException {
        Path file = dir.resolve("script.py");
        Files.writeString(file, script);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, file.toString()));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("script.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        // the scripts of scripts/python share modules (convnext_reference, osfm_reference) from their own folder
        pb.environment().put("PYTHONPATH", Path.of("scripts", "python").toAbsolutePath().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("python timed out");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("python failed: " + Files.readString(err));
        }
        return out;
    }
}
