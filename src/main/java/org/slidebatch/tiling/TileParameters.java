package org.slidebatch.tiling;

import java.util.Set;

import org.slidebatch.batch.Params;
import org.slidebatch.batch.StageParameters;
import org.slidebatch.qc.QcPolicy;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of the {@code tile} step (OpenSlideFM NB04): {@code seed}, {@code qc_policy} (default medium, NB04's
 * selection; {@link QcPolicy}), {@code resample} (true|false), {@code assume_mpp} (µm/px for slides without one).
 */
public record TileParameters(long seed, QcPolicy qcPolicy, boolean resample, Double assumeMpp) {

    public static final Set<String> NAMES = Set.of(QcPolicy.NAME, QcPolicy.LEGACY_NAME, "resample", "assume_mpp");
    public static final StageParameters<TileParameters> SPEC = StageParameters.of("tile", NAMES, TileParameters::from);

    public static TileParameters from(JobParameters p) {
        Double assume = Params.doubleValue(p, "assume_mpp");
        if (assume != null && !(assume > 0)) {
            throw new IllegalArgumentException("assume_mpp must be a positive µm/px, got " + assume);
        }
        return new TileParameters(Params.seed(p), QcPolicy.from(p, QcPolicy.MEDIUM), Params.bool(p, "resample", false), assume);
    }
}
