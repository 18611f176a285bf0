package org.slidebatch.tiling;

import java.util.HashSet;
import java.util.Set;

import org.slidebatch.batch.Params;
import org.slidebatch.batch.StageParameters;
import org.slidebatch.tissue.ClamSegmentationParams;
import org.slidebatch.tissue.SegmentParameters;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of the {@code grid} step: CLAM's {@code patch_size, step_size, patch_level} (create_patches_fp.py defaults
 * 256/256/0) and {@code contour_fn, use_padding} (default: the segmentation preset's), with the segment step's names.
 */
public final class GridParameters {

    public static final Set<String> NAMES;

    static {
        Set<String> n = new HashSet<>(SegmentParameters.NAMES);
        n.addAll(Set.of("patch_size", "step_size", "patch_level", "contour_fn", "use_padding"));
        NAMES = Set.copyOf(n);
    }

    public static final StageParameters<ClamGridPatcher.GridParams> SPEC = StageParameters.of("grid", NAMES, GridParameters::from);

    private GridParameters() {
    }

    public static ClamGridPatcher.GridParams from(JobParameters p) {
        ClamSegmentationParams preset = SegmentParameters.from(p).clam();
        return new ClamGridPatcher.GridParams(
            (int) Params.longValue(p, "patch_size", 256),
            (int) Params.longValue(p, "step_size", 256),
            (int) Params.longValue(p, "patch_level", 0),
            Params.string(p, "contour_fn", preset.contourFn()),
            Params.bool(p, "use_padding", preset.usePadding()));
    }
}
