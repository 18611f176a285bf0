package org.slidebatch.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.pretrain.Phase2Bench;
import org.slidebatch.workspace.AtomicFiles;


/**
 * {@code bench pretrain --phase 2}: one OpenSlideFM phase-2 update — {@code tiles} raw tiles (96) of {@code size} px
 * (224) forward and backward through the ConvNeXt-Tiny student backbone, the EMA backbone teacher, the aggregator and
 * decoder, two AdamW groups, both EMAs — as tiles/s after one untimed warm-up update; then the same update in PyTorch
 * (Debian python3-torch, torchvision) in the same run, as a ratio. Random weights and tiles (the cost does not depend
 * on the values).
 */
final class BenchPhase2 {

    static final String PYTHON = "/usr/bin/python3";

    private final int tiles;
    private final int size;
    private final int steps;
    private final int layers;
    private final int threads;
    private final boolean noPeer;
    private final Path json;

    BenchPhase2(int tiles, int size, int steps, int layers, int threads, boolean noPeer, Path json) {
        this.tiles = tiles;
        this.size = size;
        this.steps = steps;
        this.layers = layers;
        this.threads = threads;
        this.noPeer = noPeer;
        this.json = json;
    }

    Integer call() throws Exception {
        if (tiles < 1 || steps < 1 || size < 32 || layers < 1) {
            throw new CliException("--tiles, --steps and --layers must be positive and --size at least 32", 2);
        }
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        DjlRuntime.setIntraOpThreads(t);
        AggregatorConfig base = AggregatorConfig.openSlideFm();
        AggregatorConfig c = new AggregatorConfig(base.dModel(), base.heads(), layers, base.ffMult(), base.dropout(),
            base.decDim(), base.decHeads(), base.decLayers());
        String loadStart = org.slidebatch.batch.HostFacts.loadAverage();
        Phase2Bench.Result ours = Phase2Bench.run(c, tiles, size, steps, 0);
        long oursRss = org.slidebatch.batch.HostFacts.peakRssBytes();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("what", "bench-pretrain-phase2");
        out.put("load_average_start", loadStart);
        out.put("peak_rss_bytes", oursRss);
        out.put("mkl_amd_fastpath", org.slidebatch.model.MklFastPath.loaded());
        out.put("glibc_tunables", System.getenv().getOrDefault("GLIBC_TUNABLES", ""));
        out.put("tiles", tiles);
        out.put("size", size);
        out.put("steps", steps);
        out.put("aggregator_layers", layers);
        out.put("threads", t);
        out.put("engine", DjlRuntime.describe());
        out.put("warmup_s", ours.warmupSeconds());
        out.put("step_s", ours.stepSeconds());
        out.put("tiles_per_s", ours.tilesPerSecond());
        out.put("steps_per_s", 1.0 / ours.secondsPerStep());
        System.out.printf(Locale.ROOT, "phase 2 (ours, DJL): %d tiles of %d², %d timed update(s): %.2f s/update, %.2f tiles/s (warm-up %.1f s, "
                + "peak RSS %.1f GB, MKL AMD fast path %s)%n",
            tiles, size, steps, ours.secondsPerStep(), ours.tilesPerSecond(), ours.warmupSeconds(), oursRss / 1e9,
            org.slidebatch.model.MklFastPath.loaded() ? "on" : "off");
        if (!noPeer) {
            String peer = peer(t, c);
            if (peer != null) {
                var node = tools.jackson.databind.json.JsonMapper.builder().build().readTree(peer);
                double theirs = node.get("tiles_per_s").asDouble();
                out.put("pytorch", node);
                out.put("ratio_ours_over_pytorch", ours.tilesPerSecond() / theirs);
                System.out.printf(Locale.ROOT, "phase 2 (PyTorch %s, %d threads): %.2f tiles/s (peak RSS %.1f GB); ours/PyTorch %.2f×%n",
                    node.get("torch").asString(), t, theirs, node.path("peak_rss_bytes").asDouble(-1) / 1e9, ours.tilesPerSecond() / theirs);
            }
        }
        out.put("load_average_end", org.slidebatch.batch.HostFacts.loadAverage());
        BenchReadsCommand.passport(out);
        if (json != null) {
            AtomicFiles.writeString(json, Json.write(out) + "\n");
        }
        return 0;
    }

    /** The peer's JSON line, or null (with a note) when torch is missing or it fails. */
    private String peer(int threads, AggregatorConfig c) throws Exception {
        Path script = Path.of(System.getenv().getOrDefault("SLIDEBATCH_HOME", "."), "scripts", "python", "bench_phase2.py");
        if (!java.nio.file.Files.isRegularFile(script)) {
            System.err.println("slidebatch: note: no PyTorch peer (" + script + " not found)");
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), "" + tiles, "" + size, "" + steps, "" + threads,
            "" + c.dModel(), "" + c.heads(), "" + c.layers(), "" + c.decDim(), "" + c.decHeads(), "" + c.decLayers()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("LD_PRELOAD");   // the MKL fast path is ours; Debian's torch uses OpenBLAS
        Process p = pb.start();
        String line = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(3600, TimeUnit.SECONDS) || p.exitValue() != 0 || line.isEmpty()) {
            System.err.println("slidebatch: note: the PyTorch peer failed (needs Debian python3-torch, python3-torchvision)");
            return null;
        }
        return line.substring(line.lastIndexOf('\n') + 1);
    }
}
