package org.slidebatch.model.mil;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.slidebatch.model.DjlArrays;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.WeightsException;

/**
 * A module's parameters as named float32 NDArrays (PyTorch's state-dict names, in state-dict order), owned by one
 * long-lived manager. The forward passes read them by name; the optimizer, the EMA and the checkpoints walk them in
 * order. No DJL {@code Block}: the layers are written with NDArray ops so the names, the init and the math are ours.
 */
public final class NamedParams implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> arrays;

    private NamedParams(NDManager manager, Map<String, NDArray> arrays) {
        this.manager = manager;
        this.arrays = arrays;
    }

    /** Arrays from float values (one per shape, C order), in a sub-manager of {@code parent}. */
    public static NamedParams of(NDManager parent, Map<String, long[]> shapes, Map<String, float[]> values) {
        NDManager m = parent.newSubManager();
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) {
                m.close();
                throw new IllegalArgumentException("no values for " + e.getKey());
            }
            NDArray a = DjlArrays.owned(m, v, new Shape(e.getValue()));
            a.setName(e.getKey());
            arrays.put(e.getKey(), a);
        }
        return new NamedParams(m, arrays);
    }

    /**
     * PyTorch's default initialisation, drawn with Java's SplittableRandom (one stream per parameter, in key order,
     * so a seed gives the same values on every machine): Linear weight and bias U(±1/√fan_in); the attention's fused
     * {@code in_proj_weight} Xavier-uniform, its biases and {@code out_proj.bias} 0; LayerNorm 1 and 0; the mask
     * token truncated normal (std 0.02, cut at ±2σ).
     */
    public static NamedParams init(NDManager parent, Map<String, long[]> shapes, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            SplittableRandom r = root.split();
            String k = e.getKey();
            long[] s = e.getValue();
            int n = Math.toIntExact(Arrays.stream(s).reduce(1, (a, b) -> a * b));
            float[] v = new float[n];
            if (k.endsWith("mask_token")) {
                for (int i = 0; i < n; i++) {
                    double g;
                    do {
                        g = nextGaussian(r);
                    } while (Math.abs(g) > 2);
                    v[i] = (float) (0.02 * g);
                }
            } else if (k.contains("norm") || k.startsWith("ln.") || k.contains(".ln.")) {
                Arrays.fill(v, k.endsWith("weight") ? 1f : 0f);
            } else if (k.endsWith("in_proj_weight")) {
                double bound = Math.sqrt(6.0 / (s[0] + s[1]));
                uniform(r, v, bound);
            } else if (k.endsWith("in_proj_bias") || k.endsWith("out_proj.bias")) {
                Arrays.fill(v, 0f);
            } else {
                long[] weight = k.endsWith(".bias") ? shapes.get(k.substring(0, k.length() - 4) + "weight") : s;
                long fanIn = weight != null && weight.length >= 2 ? weight[1] : s[s.length - 1];
                uniform(r, v, 1.0 / Math.sqrt(fanIn));
            }
            values.put(k, v);
        }
        return of(parent, shapes, values);
    }

    private static void uniform(SplittableRandom r, float[] v, double bound) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        }
    }

    private static double nextGaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Reads a state dict from a safetensors file; every key of {@code shapes} must be there with its shape and no
     * other key may be (like the ConvNeXt loader: the error names the file and lists unknown, missing and
     * wrongly-shaped tensors). {@code prefix} is stripped from the file's keys (checkpoints hold several modules).
     */
    public static NamedParams load(NDManager parent, Path file, String what, Map<String, long[]> shapes) {
        try (SafeTensors st = SafeTensors.open(file)) {
            List<String> unknown = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (SafeTensors.Entry e : st.entries().values()) {
                long[] want = shapes.get(e.name());
                if (want == null) {
                    unknown.add(e.name());
                } else if (!Arrays.equals(want, e.shape())) {
                    problems.add(e.name() + " has shape " + e.shapeString() + ", expected "
                        + SafeTensors.Entry.shapeString(want));
                }
            }
            List<String> missing = new ArrayList<>();
            for (String k : shapes.keySet()) {
                if (!st.entries().containsKey(k)) {
                    missing.add(k);
                }
            }
            if (!unknown.isEmpty() || !missing.isEmpty() || !problems.isEmpty()) {
                StringBuilder sb = new StringBuilder("weights file ").append(file.toAbsolutePath())
                    .append(" is not ").append(what).append(" with PyTorch state-dict names:");
                list(sb, "unknown key", unknown);
                list(sb, "missing key", missing);
                list(sb, "wrong tensor", problems);
                throw new WeightsException(sb.toString());
            }
            Map<String, float[]> values = new LinkedHashMap<>();
            for (String k : shapes.keySet()) {
                values.put(k, st.read(k).data());
            }
            return of(parent, shapes, values);
        }
    }

    private static void list(StringBuilder sb, String label, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        sb.append("\n  ").append(items.size()).append(' ').append(label).append(items.size() == 1 ? "" : "s").append(": ");
        sb.append(String.join(", ", items.size() > 12 ? items.subList(0, 12) : items));
        if (items.size() > 12) {
            sb.append(", …");
        }
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public NDManager manager() {
        return manager;
    }

    public long count() {
        long n = 0;
        for (NDArray a : arrays.values()) {
            n += a.size();
        }
        return n;
    }

    /** Gradients are recorded for these arrays from now on (only the trained module's). */
    public void requireGradients() {
        for (NDArray a : arrays.values()) {
            a.setRequiresGradient(true);
        }
    }

    /** Values in C order, keyed by name (for safetensors and checkpoints). */
    public Map<String, SafeTensors.Tensor> toTensors(String prefix) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            out.put(prefix + e.getKey(), new SafeTensors.Tensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
        }
        return out;
    }

    /** Overwrites every value in place from tensors keyed {@code prefix + name} (shapes checked). */
    public void assign(Map<String, SafeTensors.Tensor> tensors, String prefix, String source) {
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            SafeTensors.Tensor t = tensors.get(prefix + e.getKey());
            if (t == null || !Arrays.equals(t.shape(), e.getValue().getShape().getShape())) {
                throw new WeightsException(source + ": " + (t == null ? "missing " : "wrong shape of ") + prefix + e.getKey());
            }
            e.getValue().set(java.nio.FloatBuffer.wrap(t.data()));
        }
    }

    /** Writes the state dict as a safetensors file (F32, PyTorch names), atomically. */
    public void save(Path file, Map<String, String> metadata) {
        try {
            SafeTensors.write(file, toTensors(""), "F32", metadata);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** A copy in a new sub-manager of {@code parent} (the teacher starts as the student). */
    public NamedParams copy(NDManager parent) {
        NDManager m = parent.newSubManager();
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue().duplicate();
            a.attach(m);
            a.setName(e.getKey());
            out.put(e.getKey(), a);
        }
        return new NamedParams(m, out);
    }

    @Override
    public void close() {
        manager.close();
    }
}
