package org.slidebatch.tiling;

import java.util.Set;

import org.slidebatch.batch.Params;
import org.slidebatch.batch.StageParameters;
import org.slidebatch.qc.QcPolicy;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of the {@code tile} step (OpenSlideFM NB04): {@code seed}, {@code qc_policy} (default medium, NB04's
 * selection; {@link QcPolicy}), {@code resample} (true|false), {@code assume_mpp} (µm/px for slides without one),
 * and the three rules where NB10's grading tiles differ ({@link TokenTiler.Rules}; jobs-config/grade-tiles.properties
 * sets all three): {@code level_rule} = nearest (NB04) | best_for_downsample (NB10), {@code tile_coverage} = mask
 * (NB04) | tile (NB10), {@code tile_selection} = sample (NB04) | raster (NB10).
 */
public record TileParameters(long seed, QcPolicy qcPolicy, boolean resample, Double assumeMpp, TokenTiler.Rules rules) {

    public static final Set<String> NAMES = Set.of(QcPolicy.NAME, QcPolicy.LEGACY_NAME, "resample", "assume_mpp",
        "level_rule", "tile_coverage", "tile_selection");
    public static final StageParameters<TileParameters> SPEC = StageParameters.of("tile", NAMES, TileParameters::from);

    public static TileParameters from(JobParameters p) {
        Double assume = Params.doubleValue(p, "assume_mpp");
        if (assume != null && !(assume > 0)) {
            throw new IllegalArgumentException("assume_mpp must be a positive µm/px, got " + assume);
        }
        boolean resample = Params.bool(p, "resample", false);
        TokenTiler.Rules rules = new TokenTiler.Rules(
            choice(p, "level_rule", TokenTiler.LevelRule.values(), TokenTiler.LevelRule.NEAREST, TokenTiler.LevelRule::parameter),
            choice(p, "tile_coverage", TokenTiler.Coverage.values(), TokenTiler.Coverage.MASK, TokenTiler.Coverage::parameter),
            choice(p, "tile_selection", TokenTiler.Selection.values(), TokenTiler.Selection.SAMPLE, TokenTiler.Selection::parameter));
        if (resample && rules.level() != TokenTiler.LevelRule.NEAREST) {
            throw new IllegalArgumentException("level_rule=" + rules.level().parameter()
                + " chooses the level read without resampling; it cannot be combined with resample=true");
        }
        return new TileParameters(Params.seed(p), QcPolicy.from(p, QcPolicy.MEDIUM), resample, assume, rules);
    }

    /** The tiler's options for these parameters. */
    public TokenTiler.Options options() {
        return TokenTiler.Options.defaults().withResample(resample).withRules(rules);
    }

    private static <E> E choice(JobParameters p, String key, E[] values, E fallback, java.util.function.Function<E, String> name) {
        String v = Params.string(p, key, null);
        if (v == null) {
            return fallback;
        }
        for (E e : values) {
            if (name.apply(e).equals(v.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException(key + " must be one of " + java.util.Arrays.stream(values).map(name).toList()
            + ", got '" + v + "'");
    }
}
