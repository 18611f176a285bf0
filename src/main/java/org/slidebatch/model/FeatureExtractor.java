package org.slidebatch.model;

import java.io.IOException;
import java.nio.file.Path;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

/**
 * ConvNeXt-Tiny tile features (SPEC §6): N×3×H×W float32 images, already ImageNet-normalised (224×224 for the
 * reference feature), → N×768 float32. The one model path behind the feature step, {@code slidebatch model embed}
 * and {@code slidebatch bench embed}.
 *
 * <ul>
 *   <li>safetensors weights (timm or torchvision key names) or {@link WeightsSource#random} → our DJL
 *       {@link ConvNextTiny}; the feature is chosen by {@link FeatureHead} (default: torchvision GAP).</li>
 *   <li>TorchScript ({@code torch.jit.save}, a zip archive) → DJL's PyTorch {@code Model.load}. The module's
 *       {@code forward(images)} is expected to return the N×768 feature itself, e.g. a traced
 *       {@code nn.Sequential(convnext_tiny().features, nn.AdaptiveAvgPool2d(1), nn.Flatten(1))}; a module that
 *       returns the N×768×h×w feature map gets the global average pool here. The module decides its head, so
 *       only the default {@link FeatureHead#TORCHVISION_GAP} is accepted with it.</li>
 * </ul>
 *
 * <p>Inference runs with autograd off, on the engine's default device (the CPU with the CPU natives; the first
 * GPU once the CUDA natives replace them — see {@code package-info}). PyTorch's intra-op threads are sized to the
 * machine unless the caller asks for a number. Calls may come from several threads; the thread count is
 * process-wide.
 */
public final class FeatureExtractor implements AutoCloseable {

    public static final int INPUT_SIZE = 224;
    public static final int FEATURE_DIM = ConvNextTiny.FEATURE_DIM;

    private final NDManager manager;
    private final Device device;
    private final FeatureHead head;
    private final WeightsInfo info;
    private final ConvNextTiny net;
    private final Model script;
    private final int threads;

    private FeatureExtractor(NDManager manager, FeatureHead head, WeightsInfo info, ConvNextTiny net, Model script, int threads) {
        this.manager = manager;
        this.device = manager.getDevice();
        this.head = head;
        this.info = info;
        this.net = net;
        this.script = script;
        this.threads = threads;
    }

    /** OpenSlideFM's feature (torchvision GAP), intra-op threads = available cores. */
    public static FeatureExtractor open(WeightsSource source) {
        return open(source, FeatureHead.TORCHVISION_GAP, 0);
    }

    public static FeatureExtractor open(WeightsSource source, FeatureHead head) {
        return open(source, head, 0);
    }

    /**
     * @param threads PyTorch intra-op threads (process-wide); 0 or less: {@code -Dai.djl.pytorch.num_threads}
     *                when set, else {@link Runtime#availableProcessors()}
     */
    public static FeatureExtractor open(WeightsSource source, FeatureHead head, int threads) {
        // Read and check the file before starting the engine: a wrong file fails fast, with its own message.
        WeightsLoader.Loaded loaded = null;
        Path scriptPath = null;
        switch (source) {
            case WeightsSource.Random r -> loaded = WeightsLoader.random(r.seed(), head);
            case WeightsSource.File f -> {
                if (WeightsLoader.detect(f.path()) == WeightsLoader.Format.TORCHSCRIPT) {
                    if (head != FeatureHead.TORCHVISION_GAP) {
                        throw new WeightsException("a TorchScript module defines its own output; feature head "
                            + head.cliName() + " needs safetensors weights (" + f.path() + ")");
                    }
                    scriptPath = f.path();
                } else {
                    loaded = WeightsLoader.loadSafeTensors(f.path(), head);
                }
            }
        }
        var engine = DjlRuntime.engine();
        int t = threads > 0 ? threads : configuredThreads();
        DjlRuntime.setIntraOpThreads(t);
        Device device = engine.defaultDevice();
        if (scriptPath != null) {
            Model model = Model.newInstance("convnext_tiny_torchscript", device, DjlRuntime.ENGINE);
            try {
                model.load(scriptPath.toAbsolutePath());
            } catch (IOException | MalformedModelException | RuntimeException e) {
                model.close();
                throw new WeightsException("cannot load TorchScript module " + scriptPath.toAbsolutePath() + ": " + e.getMessage(), e);
            }
            if (model.getBlock() instanceof PtSymbolBlock psb) {
                JniUtils.enableInferenceMode(psb);
            }
            WeightsInfo wi = new WeightsInfo("torchscript", scriptPath.toAbsolutePath(), WeightsLoader.sha256(scriptPath), null,
                null, java.util.List.of());
            return new FeatureExtractor(model.getNDManager(), head, wi, null, model, t);
        }
        NDManager manager = NDManager.newBaseManager(device, DjlRuntime.ENGINE);
        try {
            ConvNextTiny net = new ConvNextTiny(head);
            net.useWeights(loaded.tensors());
            net.initialize(manager);
            return new FeatureExtractor(manager, head, loaded.info(), net, null, t);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static int configuredThreads() {
        String p = System.getProperty("ai.djl.pytorch.num_threads");
        if (p != null) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall back to the cores
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Features of {@code n} images of {@code height}×{@code width} in C order (N, 3, H, W), row-major N×768.
     */
    public float[] embedFlat(float[] nchw, int n, int height, int width) {
        long expected = (long) n * 3 * height * width;
        if (n < 1 || height < 32 || width < 32 || nchw.length != expected) {
            throw new IllegalArgumentException("expected " + n + "×3×" + height + "×" + width + " = " + expected
                + " floats (at least 32×32 px), got " + nchw.length);
        }
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.create(nchw, new Shape(n, 3, height, width));
            return embed(x).toFloatArray();
        }
    }

    /** Features of {@code n} 224×224 images (N, 3, 224, 224) in C order: one 768-float row per image. */
    public float[][] embed(float[] nchw, int n) {
        float[] flat = embedFlat(nchw, n, INPUT_SIZE, INPUT_SIZE);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * FEATURE_DIM, (i + 1) * FEATURE_DIM);
        }
        return out;
    }

    /**
     * Features of an N×3×H×W float32 array, as an N×768 float32 array attached to the input's manager (close that
     * manager, or the result, when done).
     */
    public NDArray embed(NDArray images) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("expected N×3×H×W images, got " + s);
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            NDArray x = images;
            if (x.getDataType() != DataType.FLOAT32) {
                x = x.toType(DataType.FLOAT32, false);
            }
            if (!x.getDevice().equals(device)) {
                x = x.toDevice(device, false);
            }
            if (net != null) {
                NDArray out = net.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
                if (x != images) {
                    x.close();
                }
                return out;
            }
            NDList outs = script.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false);
            return scriptFeature(outs, s.get(0));
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private NDArray scriptFeature(NDList outs, long n) {
        if (outs.isEmpty()) {
            throw new WeightsException("TorchScript module " + info.path() + " returned nothing");
        }
        NDArray y = outs.get(0);
        Shape ys = y.getShape();
        if (ys.dimension() == 4 && ys.get(0) == n && ys.get(1) == FEATURE_DIM) {
            NDArray flat = y.reshape(n, FEATURE_DIM, -1);
            NDArray pooled = flat.mean(new int[] {2});
            flat.close();
            y = pooled;
        } else if (!(ys.dimension() == 2 && ys.get(0) == n && ys.get(1) == FEATURE_DIM)) {
            throw new WeightsException("TorchScript module " + info.path() + " returned shape " + ys + "; expected "
                + n + "×768 (features → global average pool → flatten) or " + n + "×768×h×w");
        }
        return y.getDataType() == DataType.FLOAT32 ? y : y.toType(DataType.FLOAT32, false);
    }

    public FeatureHead head() {
        return head;
    }

    public WeightsInfo weights() {
        return info;
    }

    /** File path + SHA-256, or {@code RANDOM (seed S) — not a trained model}. */
    public String weightsDescription() {
        return info.description();
    }

    public boolean randomWeights() {
        return info.random();
    }

    /** PyTorch intra-op threads set when this extractor opened. */
    public int threads() {
        return threads;
    }

    public Device device() {
        return device;
    }

    /** The DJL network (null for a TorchScript module). */
    public ConvNextTiny network() {
        return net;
    }

    @Override
    public void close() {
        if (script != null) {
            script.close();
        } else {
            manager.close();
        }
    }
}
