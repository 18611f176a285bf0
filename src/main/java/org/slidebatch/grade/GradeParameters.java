package org.slidebatch.grade;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.slidebatch.batch.Params;
import org.slidebatch.batch.StageParameters;
import org.slidebatch.model.mil.GraderConfig;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of step {@code grade} with NB11's CFG names (lower case) and defaults (OSFM-spec §15). The model's
 * width is the features' (INPUT_DIM 768 for the ConvNeXt features); its FFN is 2·width and its scorer width/2 as in
 * NB11. Stopping and checkpoint choice use an inner validation split unless {@code select_on_test_fold=true}
 * (NB11's behaviour, §17.25).
 *
 * @param labels          the labels CSV ({@code slide_id}, grade and provider columns, optional {@code patient_id})
 * @param gradeColumn     the column with the ISUP grade 0–5 (PANDA: {@code isup_grade}; the generated cohort: grade)
 * @param providerColumn  the column the folds stratify on with the grade (PANDA: {@code data_provider})
 * @param splitSeed       the fold split's seed (NB11: {@code random_state=42})
 * @param innerFolds      the inner validation split takes 1/inner_folds of the training folds
 * @param bootstrap       replicates of the OOF κ's patient-level bootstrap CI
 * @param threads         PyTorch intra-op threads (0 = all cores, resolved once and kept by a restart); a resumed fold
 *                        keeps the count recorded in its state ({@link org.slidebatch.model.train.TrainThreads})
 */
public record GradeParameters(Path labels, String gradeColumn, String providerColumn, int epochs, int warmupEpochs,
                              int batchSlides, double lr, double wd, int patience, double labelSmooth, int folds,
                              long[] seeds, double emaDecay, int maxTiles05, int maxTiles20, int numHeads, int hiddenDim,
                              double poolDropout, double fuseDropout, double topkRatio, int topkMin, double maxGradNorm,
                              long splitSeed, int innerFolds, int bootstrap, boolean selectOnTestFold, int threads) {

    /** ISUP grades 0–5 (NUM_CLASSES 6). */
    public static final int CLASSES = 6;

    /** Every parameter name with its default (NB11's values); {@code labels} has none. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("labels", null);
        d.put("grade_column", "grade");
        d.put("provider_column", "provider");
        d.put("epochs", "30");
        d.put("warmup_epochs", "2");
        d.put("batch_slides", "24");
        d.put("lr", "3e-4");
        d.put("wd", "1e-4");
        d.put("patience", "7");
        d.put("label_smooth", "0.05");
        d.put("folds", "5");
        d.put("seeds", "42,777,1337");
        d.put("ema_decay", "0.999");
        d.put("max_tiles_05", "1200");
        d.put("max_tiles_20", "400");
        d.put("num_heads", "8");
        d.put("hidden_dim", "512");
        d.put("pool_dropout", "0.1");
        d.put("fuse_dropout", "0.15");
        d.put("topk_ratio", "0.15");
        d.put("topk_min", "24");
        d.put("max_grad_norm", "1.0");
        d.put("split_seed", "42");
        d.put("inner_folds", "5");
        d.put("bootstrap", "1000");
        d.put("select_on_test_fold", "false");
        d.put("threads", "0");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    public static final StageParameters<GradeParameters> SPEC = StageParameters.of("grade", DEFAULTS.keySet(), GradeParameters::from);

    public static Set<String> names() {
        return DEFAULTS.keySet();
    }

    public static GradeParameters from(JobParameters p) {
        return from(k -> Params.string(p, k, null));
    }

    /** Reads every parameter through {@code lookup} (null = default); values are checked, errors name the key. */
    public static GradeParameters from(Function<String, String> lookup) {
        Function<String, String> v = k -> {
            String s = lookup.apply(k);
            return s == null ? DEFAULTS.get(k) : s.trim();
        };
        String labels = v.apply("labels");
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("grade needs labels=FILE (CSV: slide_id, a grade and a provider column, "
                + "optional patient_id)");
        }
        if (!Files.isRegularFile(Path.of(labels))) {
            throw new IllegalArgumentException("grade: labels file " + labels + " does not exist");
        }
        long[] seeds;
        try {
            seeds = Arrays.stream(v.apply("seeds").split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("grade: seeds must be integers separated by commas, got '" + v.apply("seeds") + "'");
        }
        if (seeds.length == 0 || Arrays.stream(seeds).distinct().count() != seeds.length) {
            throw new IllegalArgumentException("grade: seeds must be distinct, got '" + v.apply("seeds") + "'");
        }
        int epochs = i(v, "epochs", 1);
        int warmup = i(v, "warmup_epochs", 0);
        if (warmup >= epochs) {
            throw new IllegalArgumentException("grade: warmup_epochs must be less than epochs, got " + warmup + " ≥ " + epochs);
        }
        return new GradeParameters(Path.of(labels), column(v, "grade_column"), column(v, "provider_column"), epochs, warmup,
            i(v, "batch_slides", 1), dbl(v, "lr", 1e-12, 10), dbl(v, "wd", 0, 10), i(v, "patience", 1),
            dbl(v, "label_smooth", 0, 0.99), i(v, "folds", 2), seeds, dbl(v, "ema_decay", 0, 1), i(v, "max_tiles_05", 1),
            i(v, "max_tiles_20", 1), i(v, "num_heads", 1), i(v, "hidden_dim", 1), dbl(v, "pool_dropout", 0, 0.99),
            dbl(v, "fuse_dropout", 0, 0.99), dbl(v, "topk_ratio", 1e-6, 1), i(v, "topk_min", 1),
            dbl(v, "max_grad_norm", 1e-12, 1e12), lng(v, "split_seed"), i(v, "inner_folds", 2), i(v, "bootstrap", 1),
            bool(v, "select_on_test_fold"), i(v, "threads", 0));
    }

    /** The model for features {@code inputDim} wide (FFN 2·d, scorer d/2 as NB11). */
    public GraderConfig model(int inputDim) {
        if (inputDim % numHeads != 0) {
            throw new IllegalArgumentException("grade: the features are " + inputDim + " wide, not divisible by num_heads="
                + numHeads);
        }
        return new GraderConfig(inputDim, numHeads, 2 * inputDim, Math.max(1, inputDim / 2), hiddenDim, CLASSES,
            (float) poolDropout, (float) fuseDropout, (float) topkRatio, topkMin);
    }

    /** The cross-validation's settings for features {@code inputDim} wide. */
    public GradeCrossValidation.Settings settings(int inputDim) {
        GradeLoss nb11 = GradeLoss.nb11();
        GradeLoss loss = new GradeLoss((float) labelSmooth, nb11.focalAlpha(), nb11.focalGamma(), nb11.ordinalLam(), nb11.expLam());
        FoldTrainer.Settings fold = new FoldTrainer.Settings(model(inputDim),
            new GradeTrainer.Settings((float) wd, (float) emaDecay, (float) maxGradNorm, loss),
            new GradeSchedule(lr, warmupEpochs, GradeSchedule.nb11().startFactor(), epochs, GradeSchedule.nb11().etaMin()),
            GradeAugment.nb11(), batchSlides, patience, maxTiles05, maxTiles20, seeds[0]);
        return new GradeCrossValidation.Settings(fold, folds, seeds.clone(), splitSeed, innerFolds, selectOnTestFold, bootstrap);
    }

    /**
     * The values that change the trained models or their evaluation, as name → text (all but the labels' path and the
     * thread count): with the cohort they name the run folder, so finished folds are reused only for the same training.
     */
    public Map<String, String> trainingIdentity() {
        Map<String, String> m = new TreeMap<>();
        m.put("epochs", Integer.toString(epochs));
        m.put("warmup_epochs", Integer.toString(warmupEpochs));
        m.put("batch_slides", Integer.toString(batchSlides));
        m.put("lr", Double.toString(lr));
        m.put("wd", Double.toString(wd));
        m.put("patience", Integer.toString(patience));
        m.put("label_smooth", Double.toString(labelSmooth));
        m.put("folds", Integer.toString(folds));
        m.put("seeds", Arrays.toString(seeds));
        m.put("ema_decay", Double.toString(emaDecay));
        m.put("max_tiles_05", Integer.toString(maxTiles05));
        m.put("max_tiles_20", Integer.toString(maxTiles20));
        m.put("num_heads", Integer.toString(numHeads));
        m.put("hidden_dim", Integer.toString(hiddenDim));
        m.put("pool_dropout", Double.toString(poolDropout));
        m.put("fuse_dropout", Double.toString(fuseDropout));
        m.put("topk_ratio", Double.toString(topkRatio));
        m.put("topk_min", Integer.toString(topkMin));
        m.put("max_grad_norm", Double.toString(maxGradNorm));
        m.put("split_seed", Long.toString(splitSeed));
        m.put("inner_folds", Integer.toString(innerFolds));
        m.put("bootstrap", Integer.toString(bootstrap));
        m.put("select_on_test_fold", Boolean.toString(selectOnTestFold));
        return m;
    }

    private static String column(Function<String, String> v, String k) {
        String c = v.apply(k);
        if (c.isEmpty()) {
            throw new IllegalArgumentException("grade: " + k + " must name a column of the labels CSV");
        }
        return c;
    }

    private static int i(Function<String, String> v, String k, int min) {
        long x = lng(v, k);
        if (x < min || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("grade: " + k + " must be an integer ≥ " + min + ", got '" + v.apply(k) + "'");
        }
        return (int) x;
    }

    private static long lng(Function<String, String> v, String k) {
        try {
            return Long.parseLong(v.apply(k));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("grade: " + k + " must be an integer, got '" + v.apply(k) + "'");
        }
    }

    private static double dbl(Function<String, String> v, String k, double min, double max) {
        double x;
        try {
            x = Double.parseDouble(v.apply(k));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("grade: " + k + " must be a number, got '" + v.apply(k) + "'");
        }
        if (!(x >= min && x <= max)) {
            throw new IllegalArgumentException("grade: " + k + " must be in [" + min + ", " + max + "], got " + x);
        }
        return x;
    }

    private static boolean bool(Function<String, String> v, String k) {
        return switch (v.apply(k).toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("grade: " + k + " must be true or false, got '" + v.apply(k) + "'");
        };
    }
}
