package org.slidebatch.features;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.slidebatch.batch.Params;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of the feature step: {@code weights} (safetensors with timm or torchvision names, or TorchScript) or
 * {@code random_weights=true} (explicit; flagged in passports), {@code head} (torchvision | timm), {@code batch},
 * {@code readers} (tile reader threads), {@code dtype} (float32 | float16), and the throughput gate:
 * {@code selftest} (fail | warn | off), {@code selftest_seconds}, {@code min_tiles_per_s}.
 */
public record FeatureParameters(Path weights, boolean randomWeights, long seed, String head, int batch, int readers,
                                String dtype, String selftest, double selftestSeconds, double minTilesPerSecond) {

    /**
     * Default floor of the self-test: OpenSlideFM's 50 tiles/s assumes a GPU; ConvNeXt-Tiny on a 2-core CPU does about
     * 10 images/s, so on CPU the floor is 2 tiles/s (catches a broken or oversubscribed setup, not a slow machine).
     */
    public static final double GPU_FLOOR = 50.0;
    public static final double CPU_FLOOR = 2.0;

    public static final java.util.Set<String> NAMES = java.util.Set.of("weights", "random_weights", "head", "batch", "readers",
        "dtype", "selftest", "selftest_seconds", "min_tiles_per_s");
    public static final org.slidebatch.batch.StageParameters<FeatureParameters> SPEC =
        org.slidebatch.batch.StageParameters.of("features", NAMES, p -> from(p, false));

    public static FeatureParameters from(JobParameters p, boolean gpu) {
        String w = Params.string(p, "weights", null);
        boolean random = Params.bool(p, "random_weights", false);
        if (w == null && !random) {
            throw new IllegalArgumentException("the features step needs weights=FILE (safetensors or TorchScript); "
                + "random_weights=true runs an untrained model and says so in every passport");
        }
        if (w != null && random) {
            throw new IllegalArgumentException("give either weights=FILE or random_weights=true, not both");
        }
        if (w != null && !Files.isRegularFile(Path.of(w))) {
            throw new IllegalArgumentException("weights file " + w + " does not exist");
        }
        String head = Params.string(p, "head", "torchvision");
        if (!List.of("torchvision", "timm").contains(head)) {
            throw new IllegalArgumentException("head must be torchvision or timm, got '" + head + "'");
        }
        if (w != null) {
            checkWeights(Path.of(w), head);
        }
        int batch = (int) Params.longValue(p, "batch", 32);
        int readers = (int) Params.longValue(p, "readers", Runtime.getRuntime().availableProcessors());
        if (batch < 1 || readers < 1) {
            throw new IllegalArgumentException("batch and readers must be positive");
        }
        String dtype = Params.string(p, "dtype", "float32");
        if (!List.of("float32", "float16").contains(dtype)) {
            throw new IllegalArgumentException("dtype must be float32 or float16, got '" + dtype + "'");
        }
        String selftest = Params.string(p, "selftest", "fail");
        if (!List.of("fail", "warn", "off").contains(selftest)) {
            throw new IllegalArgumentException("selftest must be fail, warn or off, got '" + selftest + "'");
        }
        Double seconds = Params.doubleValue(p, "selftest_seconds");
        Double floor = Params.doubleValue(p, "min_tiles_per_s");
        return new FeatureParameters(w == null ? null : Path.of(w), random, Params.seed(p), head, batch, readers, dtype,
            selftest, seconds == null ? 5.0 : seconds, floor == null ? (gpu ? GPU_FLOOR : CPU_FLOOR) : floor);
    }

    /**
     * A truncated, foreign or wrong-model weights file is refused with the parameters, before a job starts: the format,
     * and for safetensors every key, shape and tensor extent from the header alone (the tensors are read by the step).
     */
    static void checkWeights(Path weights, String head) {
        try {
            if (org.slidebatch.model.WeightsLoader.detect(weights) == org.slidebatch.model.WeightsLoader.Format.SAFETENSORS) {
                org.slidebatch.model.WeightsLoader.checkSafeTensors(weights, org.slidebatch.model.FeatureHead.parse(head));
            }
        } catch (org.slidebatch.model.WeightsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
