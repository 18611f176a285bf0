package org.slidebatch.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import org.slidebatch.batch.HostFacts;

/**
 * The one way this project starts DJL's PyTorch engine: offline (no telemetry probe, no download, STACK-NOTES §3),
 * natives from the Maven dependency ({@code pytorch-native-cpu}; never {@code PYTORCH_VERSION},
 * {@code PYTORCH_FLAVOR} or {@code PYTORCH_LIBRARY_PATH}), intra-op threads sized to the machine.
 *
 * <p>Threads: PyTorch's intra-op pool (what {@code torch.set_num_threads} sets) gets
 * {@link Runtime#availableProcessors()} threads unless {@code -Dai.djl.pytorch.num_threads=N} says otherwise,
 * or a caller asks for a number ({@link #setIntraOpThreads}). libtorch keeps the count per thread (OpenMP's and
 * MKL's settings of the calling thread; threads that first use libtorch later start with the last count set).
 * Results depend on the count (reductions are split by thread): training pins it, see
 * {@link org.slidebatch.model.train.TrainThreads}.
 */
public final class DjlRuntime {

    public static final String ENGINE = "PyTorch";

    private static Engine engine;

    private DjlRuntime() {
    }

    /** Must run before any DJL engine class loads; the launcher does it too. Idempotent. */
    public static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    /** The PyTorch engine, started offline on first use, with its intra-op threads set to the machine's cores. */
    public static synchronized Engine engine() {
        if (engine == null) {
            offline();
            int cores = Runtime.getRuntime().availableProcessors();
            if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(cores));
            }
            try {
                engine = Engine.getEngine(ENGINE);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new IllegalStateException("cannot start DJL's PyTorch engine offline (natives from the "
                    + "pytorch-native-cpu dependency, cache " + System.getenv().getOrDefault("DJL_CACHE_DIR", "~/.djl.ai")
                    + "): " + e, e);
            }
            HostFacts.recordLibrary("djl", Engine.getDjlVersion());
            HostFacts.recordLibrary("pytorch", engine.getVersion() + " (" + engine.defaultDevice() + ")");
            HostFacts.recordLibrary("mkl-amd-fastpath", MklFastPath.loaded() ? "on" : "off");
        }
        return engine;
    }

    /**
     * Turns libtorch's gradient recording off on the calling thread. Grad mode is thread-local and on by default in a
     * new thread; DJL switches it off only on the thread that started the engine, so code that updates parameters in
     * place or runs inference on another thread (a partition, a tasklet) must call this first.
     */
    public static void gradOff() {
        engine();
        // Only when it is on: calling DJL's setGradMode(false) on a thread where it is already off, between training
        // steps, turned phase 2's backbone losses into NaN from the second update on (Phase2RunTest).
        if (JniUtils.isGradMode()) {
            JniUtils.setGradMode(false);
        }
    }

    /** Sets PyTorch's intra-op thread count ({@code torch.set_num_threads}) on the calling thread and as the default. */
    public static synchronized void setIntraOpThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        engine();
        JniUtils.setNumThreads(threads);
    }

    public static int intraOpThreads() {
        engine();
        return JniUtils.getNumThreads();
    }

    public static int interOpThreads() {
        engine();
        return JniUtils.getNumInteropThreads();
    }

    /**
     * True when the model runs on a GPU: the engine sees one and its default device (where {@link FeatureExtractor}
     * puts the model) is a GPU. An NVIDIA driver on a machine that loaded the CPU natives is still a CPU run.
     */
    public static boolean modelRunsOnGpu() {
        Engine e = engine();
        return e.getGpuCount() > 0 && e.defaultDevice().isGpu();
    }

    /** For reports: {@code PyTorch 2.7.1 (DJL 0.36.0, cpu())}. */
    public static String describe() {
        Engine e = engine();
        return "PyTorch " + e.getVersion() + " (DJL " + Engine.getDjlVersion() + ", " + e.defaultDevice() + ")";
    }
}
