package org.slidebatch.pretrain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.slidebatch.model.mil.AggregatorConfig;

/**
 * Phase-1 pretraining parameters with OpenSlideFM's names and defaults (OSFM-spec §8a). Fixes of the spec's bugs are
 * the defaults; {@code teacher_dropout=true} and {@code lr_first_step_full=true} bring the original behaviour back.
 *
 * @param positions          physical (default) or nominal token positions, see {@link TokenPositions}
 * @param teacherDropout     OpenSlideFM never puts the teacher in eval mode (§17.9); default false = eval-mode teacher
 * @param lrFirstStepFull    OpenSlideFM's first update runs at the full lr (§17.10); default false = warm-up from 1/warmup
 * @param threads            PyTorch intra-op threads (0 = all cores); a resumed training keeps the count recorded in
 *                           its checkpoint ({@link org.slidebatch.model.train.TrainThreads}), so it matches to the bit
 */
public record PretrainParameters(long seed, int tokenBudget05, int tokenBudget20, double maskFrac, double lambdaMfr,
                                 AggregatorConfig model, int batchSlides, int epochsPhase1, double lr, double weightDecay,
                                 double emaTau, int warmupSteps, int saveEverySteps, int logEverySteps,
                                 double augDropoutP, double augNoiseStd, boolean teacherDropout, boolean lrFirstStepFull,
                                 TokenPositions positions, int threads) {

    /** Every parameter name with its default (the spec's values). */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("seed", "13");
        d.put("token_budget_0p5", "1200");
        d.put("token_budget_2p0", "400");
        d.put("mask_frac", "0.25");
        d.put("lambda_mfr", "0.5");
        d.put("d_model", "768");
        d.put("n_heads", "8");
        d.put("n_layers", "6");
        d.put("ff_mult", "4");
        d.put("dropout", "0.1");
        d.put("d_dec", "384");
        d.put("dec_heads", "4");
        d.put("dec_layers", "2");
        d.put("batch_slides", "3");
        d.put("epochs_phase1", "2");
        d.put("lr", "1.5e-4");
        d.put("weight_decay", "1e-4");
        d.put("ema_tau", "0.996");
        d.put("warmup_steps", "500");
        d.put("save_every_steps", "1000");
        d.put("log_every_steps", "50");
        d.put("aug_dropout_p", "0.1");
        d.put("aug_noise_std", "0.02");
        d.put("teacher_dropout", "false");
        d.put("lr_first_step_full", "false");
        d.put("positions", "physical");
        d.put("threads", "0");
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    public static Set<String> names() {
        return DEFAULTS.keySet();
    }

    /** Reads every parameter through {@code lookup} (null = default); values are checked, errors name the key. */
    public static PretrainParameters from(Function<String, String> lookup) {
        Function<String, String> v = k -> {
            String s = lookup.apply(k);
            return s == null ? DEFAULTS.get(k) : s.trim();
        };
        AggregatorConfig model;
        try {
            model = new AggregatorConfig(i(v, "d_model", 2), i(v, "n_heads", 1), i(v, "n_layers", 1), i(v, "ff_mult", 1),
                (float) dbl(v, "dropout", 0, 0.99), i(v, "d_dec", 1), i(v, "dec_heads", 1), i(v, "dec_layers", 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pretrain: " + e.getMessage(), e);
        }
        return new PretrainParameters(lng(v, "seed"), i(v, "token_budget_0p5", 1), i(v, "token_budget_2p0", 1),
            dbl(v, "mask_frac", 0.0001, 1), dbl(v, "lambda_mfr", 0, 1e6), model, i(v, "batch_slides", 1),
            i(v, "epochs_phase1", 1), dbl(v, "lr", 0, 10), dbl(v, "weight_decay", 0, 10), dbl(v, "ema_tau", 0, 1),
            i(v, "warmup_steps", 0), i(v, "save_every_steps", 1), i(v, "log_every_steps", 1),
            dbl(v, "aug_dropout_p", 0, 0.99), dbl(v, "aug_noise_std", 0, 1e3), bool(v, "teacher_dropout"),
            bool(v, "lr_first_step_full"), TokenPositions.parse(v.apply("positions")), i(v, "threads", 0));
    }

    public static PretrainParameters defaults() {
        return from(k -> null);
    }

    /** The values as name → text (checkpoint metadata, passports); {@link #from} reads them back. */
    public Map<String, String> asMap() {
        Map<String, String> m = new TreeMap<>();
        m.put("seed", Long.toString(seed));
        m.put("token_budget_0p5", Integer.toString(tokenBudget05));
        m.put("token_budget_2p0", Integer.toString(tokenBudget20));
        m.put("mask_frac", Double.toString(maskFrac));
        m.put("lambda_mfr", Double.toString(lambdaMfr));
        m.put("d_model", Integer.toString(model.dModel()));
        m.put("n_heads", Integer.toString(model.heads()));
        m.put("n_layers", Integer.toString(model.layers()));
        m.put("ff_mult", Integer.toString(model.ffMult()));
        m.put("dropout", Float.toString(model.dropout()));
        m.put("d_dec", Integer.toString(model.decDim()));
        m.put("dec_heads", Integer.toString(model.decHeads()));
        m.put("dec_layers", Integer.toString(model.decLayers()));
        m.put("batch_slides", Integer.toString(batchSlides));
        m.put("epochs_phase1", Integer.toString(epochsPhase1));
        m.put("lr", Double.toString(lr));
        m.put("weight_decay", Double.toString(weightDecay));
        m.put("ema_tau", Double.toString(emaTau));
        m.put("warmup_steps", Integer.toString(warmupSteps));
        m.put("save_every_steps", Integer.toString(saveEverySteps));
        m.put("log_every_steps", Integer.toString(logEverySteps));
        m.put("aug_dropout_p", Double.toString(augDropoutP));
        m.put("aug_noise_std", Double.toString(augNoiseStd));
        m.put("teacher_dropout", Boolean.toString(teacherDropout));
        m.put("lr_first_step_full", Boolean.toString(lrFirstStepFull));
        m.put("positions", positions.id());
        m.put("threads", Integer.toString(threads));
        return m;
    }

    /** Parameters that change the trained weights (all but the cadence of logs/checkpoints and the thread count). */
    public Map<String, String> trainingIdentity() {
        Map<String, String> m = new TreeMap<>(asMap());
        m.remove("save_every_steps");
        m.remove("log_every_steps");
        m.remove("threads");
        return m;
    }

    public ByolMfrTrainer.Settings trainerSettings() {
        return new ByolMfrTrainer.Settings((float) weightDecay, (float) emaTau, (float) lambdaMfr, (float) augDropoutP,
            (float) augNoiseStd, teacherDropout);
    }

    private static int i(Function<String, String> v, String k, int min) {
        long x = lng(v, k);
        if (x < min || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pretrain: " + k + " must be an integer ≥ " + min + ", got '" + v.apply(k) + "'");
        }
        return (int) x;
    }

    private static long lng(Function<String, String> v, String k) {
        try {
            return Long.parseLong(v.apply(k));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pretrain: " + k + " must be an integer, got '" + v.apply(k) + "'");
        }
    }

    private static double dbl(Function<String, String> v, String k, double min, double max) {
        double x;
        try {
            x = Double.parseDouble(v.apply(k));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pretrain: " + k + " must be a number, got '" + v.apply(k) + "'");
        }
        if (!(x >= min && x <= max)) {
            throw new IllegalArgumentException("pretrain: " + k + " must be in [" + min + ", " + max + "], got " + x);
        }
        return x;
    }

    private static boolean bool(Function<String, String> v, String k) {
        return switch (v.apply(k).toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("pretrain: " + k + " must be true or false, got '" + v.apply(k) + "'");
        };
    }
}
