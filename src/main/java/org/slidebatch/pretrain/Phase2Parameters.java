package org.slidebatch.pretrain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Phase-2 parameters with OpenSlideFM's names and defaults (OSFM-spec §8a, §8e), read from the same job parameters as
 * {@link PretrainParameters} (which supplies the shared ones: seed, lr, weight_decay, ema_tau, lambda_mfr, mask_frac,
 * save_every_steps, teacher_dropout, lr_first_step_full).
 *
 * @param phases         {@code 1}, {@code 2} (after a finished phase 1 of the same parameters) or {@code both}
 *                       (OpenSlideFM runs both; the default here stays 1, phase 2 needs the ConvNeXt weights)
 * @param tileSize       side of the tiles fed to the backbone, 224 as NB05 (smaller only for tests and demos)
 */
public record Phase2Parameters(String phases, int epochsPhase2, int tilesPerSlide, double lrBackboneRatio, int warmupSteps,
                               int tileSize) {

    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("phases", "1");
        d.put("epochs_phase2", "2");
        d.put("p2_tiles_per_slide", Integer.toString(Phase2Tiles.TILES_PER_SLIDE));
        d.put("lr_backbone_ratio", Double.toString(Phase2Schedule.BACKBONE_RATIO));
        d.put("p2_warmup_steps", Long.toString(Phase2Schedule.WARMUP));
        d.put("p2_tile_size", "224");
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** Reads every parameter through {@code lookup} (null = default); errors name the key and the value. */
    public static Phase2Parameters from(Function<String, String> lookup) {
        Function<String, String> v = k -> {
            String s = lookup.apply(k);
            return s == null ? DEFAULTS.get(k) : s.trim();
        };
        String phases = v.apply("phases").toLowerCase(Locale.ROOT);
        if (!phases.equals("1") && !phases.equals("2") && !phases.equals("both")) {
            throw new IllegalArgumentException("pretrain: phases must be 1, 2 or both, got '" + v.apply("phases") + "'");
        }
        double ratio = dbl(v, "lr_backbone_ratio");
        if (!(ratio >= 0 && ratio <= 100)) {
            throw new IllegalArgumentException("pretrain: lr_backbone_ratio must be in [0, 100], got " + ratio);
        }
        return new Phase2Parameters(phases, i(v, "epochs_phase2", 1), i(v, "p2_tiles_per_slide", 1), ratio,
            i(v, "p2_warmup_steps", 0), i(v, "p2_tile_size", 32));
    }

    public static Phase2Parameters defaults() {
        return from(k -> null);
    }

    public boolean runsPhase1() {
        return !phases.equals("2");
    }

    public boolean runsPhase2() {
        return !phases.equals("1");
    }

    /** The phase-2 loop's settings from these and the shared phase-1 parameters. */
    public Phase2Run.Config runConfig(PretrainParameters p) {
        return new Phase2Run.Config(p.seed(), epochsPhase2, p.lr(), lrBackboneRatio, warmupSteps, p.saveEverySteps(),
            p.maskFrac(), p.lrFirstStepFull(),
            new Phase2Step.Settings((float) p.weightDecay(), (float) p.emaTau(), (float) p.lambdaMfr(), true, p.teacherDropout()));
    }

    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("phases", phases);
        m.put("epochs_phase2", Integer.toString(epochsPhase2));
        m.put("p2_tiles_per_slide", Integer.toString(tilesPerSlide));
        m.put("lr_backbone_ratio", Double.toString(lrBackboneRatio));
        m.put("p2_warmup_steps", Integer.toString(warmupSteps));
        m.put("p2_tile_size", Integer.toString(tileSize));
        return m;
    }

    private static int i(Function<String, String> v, String k, int min) {
        long x;
        try {
            x = Long.parseLong(v.apply(k));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pretrain: " + k + " must be an integer, got '" + v.apply(k) + "'");
        }
        if (x < min || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pretrain: " + k + " must be an integer ≥ " + min + ", got '" + v.apply(k) + "'");
        }
        return (int) x;
    }

    private static double dbl(Function<String, String> v, String k) {
        try {
            return Double.parseDouble(v.apply(k));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pretrain: " + k + " must be a number, got '" + v.apply(k) + "'");
        }
    }
}
