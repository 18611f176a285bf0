package org.slidebatch.model.mil;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.slidebatch.model.DjlArrays;
import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.WeightsException;
import org.slidebatch.model.WeightsLoader;

/**
 * A slide's embedding ({@code g_proj}, eval mode, no padding) from an aggregator state dict with PyTorch's names,
 * as OpenSlideFM's export does (OSFM-spec §8g, §11). The width, the number of layers and the feed-forward width
 * are read from the tensor shapes; the number of heads cannot be, so it is given (OpenSlideFM: 8).
 */
public final class SlideEmbedder implements AutoCloseable {

    private static final Pattern LAYER = Pattern.compile("^enc\\.layers\\.(\\d+)\\.");

    private final NDManager manager;
    private final NamedParams params;
    private final AggregatorConfig config;
    private final String sha256;
    private final Path file;

    private SlideEmbedder(NDManager manager, NamedParams params, AggregatorConfig config, String sha256, Path file) {
        this.manager = manager;
        this.params = params;
        this.config = config;
        this.sha256 = sha256;
        this.file = file;
    }

    public static SlideEmbedder open(Path weights, int heads) {
        AggregatorConfig config = inferStudent(weights, heads);
        NDManager m = DjlRuntime.engine().newBaseManager();
        try {
            NamedParams p = NamedParams.load(m, weights, "an OpenSlideFM aggregator (MILTransformer)", config.studentShapes());
            return new SlideEmbedder(m, p, config, WeightsLoader.sha256(weights), weights.toAbsolutePath());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Dimensions from the shapes of {@code ln.weight}, {@code enc.layers.N.*} and {@code linear1}. */
    public static AggregatorConfig inferStudent(Path weights, int heads) {
        try (SafeTensors st = SafeTensors.open(weights)) {
            Map<String, SafeTensors.Entry> e = st.entries();
            SafeTensors.Entry ln = e.get("ln.weight");
            SafeTensors.Entry l1 = e.get("enc.layers.0.linear1.weight");
            if (ln == null || l1 == null || ln.shape().length != 1 || l1.shape().length != 2) {
                throw new WeightsException("weights file " + weights.toAbsolutePath() + " is not an OpenSlideFM aggregator "
                    + "state dict with PyTorch names: no " + (ln == null ? "ln.weight" : "enc.layers.0.linear1.weight")
                    + (e.keySet().stream().anyMatch(k -> k.startsWith("student.")) ? " (this looks like a training "
                    + "checkpoint: use the student_final.safetensors written beside it)" : ""));
            }
            int d = Math.toIntExact(ln.shape()[0]);
            int layers = 0;
            for (String k : e.keySet()) {
                Matcher m = LAYER.matcher(k);
                if (m.find()) {
                    layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
                }
            }
            long ff = l1.shape()[0];
            if (d % heads != 0 || ff % d != 0) {
                throw new WeightsException("weights file " + weights.toAbsolutePath() + ": width " + d + " with " + heads
                    + " heads and feed-forward " + ff + " is not an OpenSlideFM aggregator layout");
            }
            // The decoder dims are irrelevant here (the embedder reads the student only).
            return new AggregatorConfig(d, heads, layers, (int) (ff / d), 0f, 2, 1, 1);
        }
    }

    /**
     * @param features  T×d float32 (tokens of both scales, 0.5 µm first)
     * @param positions T×3 (cx_mm, cy_mm, scale_um)
     */
    public float[] embed(float[] features, float[] positions, int tokens) {
        int d = config.dModel();
        if (tokens < 1 || features.length != tokens * d || positions.length != tokens * 3) {
            throw new IllegalArgumentException("expected " + tokens + "×" + d + " features and " + tokens + "×3 positions, got "
                + features.length + " and " + positions.length + " values");
        }
        DjlRuntime.gradOff();
        try (NDManager sm = manager.newSubManager()) {
            boolean[] pad = new boolean[tokens];
            return MilTransformer.embed(config, params, DjlArrays.owned(sm, features, new Shape(1, tokens, d)),
                DjlArrays.owned(sm, positions, new Shape(1, tokens, 3)), Layers.paddingMask(sm, pad, 1, tokens, false),
                Layers.paddingMask(sm, pad, 1, tokens, true)).toFloatArray();
        }
    }

    public AggregatorConfig config() {
        return config;
    }

    public String sha256() {
        return sha256;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        manager.close();
    }
}
