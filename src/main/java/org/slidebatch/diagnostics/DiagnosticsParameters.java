package org.slidebatch.diagnostics;

import java.nio.file.Files;
import java.nio.file.Path;

import org.slidebatch.batch.Params;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.WeightsLoader;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of the diagnostics step (NB06C): {@code reference_weights} (the ConvNeXt-Tiny the backbone is compared
 * with, e.g. the user's ImageNet safetensors; default: the backbone training started from, i.e. the features step's
 * {@code weights} or {@code random_weights} + {@code seed}), {@code coverage_pass} / {@code coverage_warn} (G1's
 * thresholds, OpenSlideFM's 18,000 / 15,000), {@code recent_checkpoints} (how many of the newest model files G3
 * test-loads, NB06C's 6), {@code checkpoints} (folder of model files, default the workspace's {@code pretrain/}) and
 * {@code fail_on} (never | fail | warn, default never: NB06C reports and never stops the pipeline).
 */
public record DiagnosticsParameters(Path referenceWeights, int coveragePass, int coverageWarn, int recentCheckpoints,
                                    Path checkpoints, FailOn failOn) {

    public static DiagnosticsParameters from(JobParameters p) {
        String ref = Params.string(p, "reference_weights", null);
        if (ref != null && !Files.isRegularFile(Path.of(ref))) {
            throw new IllegalArgumentException("reference_weights file " + ref + " does not exist");
        }
        long pass = Params.longValue(p, "coverage_pass", Coverage.OPENSLIDEFM_PASS);
        long warn = Params.longValue(p, "coverage_warn", Coverage.OPENSLIDEFM_WARN);
        if (warn < 0 || pass < warn || pass > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("coverage thresholds need 0 ≤ coverage_warn ≤ coverage_pass, got coverage_warn="
                + warn + ", coverage_pass=" + pass);
        }
        long recent = Params.longValue(p, "recent_checkpoints", CheckpointScan.NB06C_RECENT);
        if (recent < 1 || recent > 1000) {
            throw new IllegalArgumentException("recent_checkpoints must be between 1 and 1000, got " + recent);
        }
        String dir = Params.string(p, "checkpoints", null);
        return new DiagnosticsParameters(ref == null ? null : Path.of(ref), (int) pass, (int) warn, (int) recent,
            dir == null ? null : Path.of(dir), FailOn.parse(Params.string(p, "fail_on", "never")));
    }

    /**
     * The backbone G4 compares with: {@code reference_weights} when given; else the one training started from, which
     * is the ConvNeXt the features step ran ({@code weights=FILE}, or {@code random_weights=true} with {@code seed});
     * null when the job parameters name neither (then {@link #noReferenceNote()} says so).
     */
    public PosttrainDiagnostics.Reference reference(JobParameters p) {
        if (referenceWeights != null) {
            Path f = referenceWeights;
            return new PosttrainDiagnostics.Reference("reference_weights " + f.toAbsolutePath(),
                () -> WeightsLoader.loadSafeTensors(f, FeatureHead.TORCHVISION_GAP));
        }
        String w = Params.string(p, "weights", null);
        if (w != null) {
            Path f = Path.of(w);
            return new PosttrainDiagnostics.Reference("the starting backbone (weights " + f.toAbsolutePath() + ")",
                () -> WeightsLoader.loadSafeTensors(f, FeatureHead.TORCHVISION_GAP));
        }
        if (Params.bool(p, "random_weights", false)) {
            long seed = Params.seed(p);
            return new PosttrainDiagnostics.Reference("the starting backbone (random weights, seed " + seed + ")",
                () -> WeightsLoader.random(seed, FeatureHead.TORCHVISION_GAP));
        }
        return null;
    }

    public static String noReferenceNote() {
        return "no reference backbone: give reference_weights=FILE (e.g. the ImageNet ConvNeXt-Tiny safetensors), or "
            + "the weights=FILE / random_weights=true the training started from";
    }
}
