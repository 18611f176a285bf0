package org.slidebatch.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.slidebatch.batch.Params;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * Parameters of job {@code evaluate}, with OpenSlideFM's names and defaults per protocol:
 * <ul>
 * <li>{@code probe} (NB07): label {@code cancer_code}, patient = mean of its slides, stratified group k-fold by
 *   {@code group} (else {@code center}), seeds 42,123,456, k 5, L2 logistic regression C 1;</li>
 * <li>{@code binary-cv} (NB09A): label {@code label} (0/1), slides, stratified k-fold, seed 42, C 1;</li>
 * <li>{@code loco} (NB09): label {@code grade}, patient = element-wise max of its slides, leave one center out,
 *   models ordinal,logreg_l2,logreg_l1,ridge × Cs 0.1,0.3,1,3,10, seed 17, bootstrap seed 123, class weights
 *   balanced; the best configuration is chosen per outer fold on {@code inner_folds} inner folds of the training
 *   patients unless {@code select_on_test=true} (the original's choice on the test centers, docs/DEVIATIONS.md).</li>
 * </ul>
 * A label row without an embedding (or without a label) is left out with its reason, recorded; with
 * {@code strict_labels=true} it fails the job instead.
 */
public record EvaluateParameters(Path labels, Path embeddings, String protocol, String labelColumn, List<Long> seeds,
                                 int folds, double c, List<String> models, List<Double> cs, int innerFolds,
                                 boolean selectOnTest, int boots, long bootstrapSeed, int maxIter, double tol,
                                 String aggregate, boolean strictLabels) {

    public static final List<String> PROTOCOLS = List.of("probe", "binary-cv", "loco");
    public static final List<String> MODELS = List.of("ordinal", "logreg_l2", "logreg_l1", "ridge");

    /**
     * Every parameter job {@code evaluate} accepts; anything else is refused before the job starts. {@code seed}
     * (the launcher's run seed) is accepted and recorded; the splits draw from {@code seeds}.
     */
    public static final Set<String> KNOWN = Set.of("labels", "embeddings", "protocol", "label", "seeds", "folds", "C",
        "models", "Cs", "inner_folds", "select_on_test", "boots", "bootstrap_seed", "max_iter", "tol", "aggregate",
        "strict_labels", "run.id", "seed");

    public static void refuseUnknown(JobParameters p) {
        List<String> unknown = p.parameters().stream().map(x -> x.name()).filter(n -> !KNOWN.contains(n)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + unknown + " for job evaluate; known: "
                + KNOWN.stream().sorted().toList());
        }
    }

    public static EvaluateParameters from(JobParameters p, Path workspaceRoot) {
        return from(p, workspaceRoot, null);
    }

    /**
     * As {@link #from(JobParameters, Path)}, but without {@code embeddings=DIR} the folder is {@code chainEmbeddings}
     * when given (the folder the chain's own embed step wrote) instead of the newest one under the workspace.
     */
    public static EvaluateParameters from(JobParameters p, Path workspaceRoot, Path chainEmbeddings) {
        String labels = Params.string(p, "labels", null);
        if (labels == null) {
            throw new IllegalArgumentException("evaluate needs labels=FILE (CSV: slide_id or patient_id, label columns, "
                + "optional group/center/provider)");
        }
        Path labelsPath = Path.of(labels);
        if (!Files.isRegularFile(labelsPath)) {
            throw new IllegalArgumentException("labels file " + labels + " does not exist");
        }
        String emb = Params.string(p, "embeddings", null);
        Path embeddings = emb != null ? Path.of(emb) : chainEmbeddings != null ? chainEmbeddings : newestEmbeddings(workspaceRoot);
        if (!Files.isDirectory(embeddings)) {
            throw new IllegalArgumentException("embeddings folder " + embeddings + " does not exist");
        }
        return values(p, labelsPath, embeddings);
    }

    /**
     * The values alone, each checked, the data files not looked at: for a chain's validator, before the embeddings
     * exist. {@code labels} and {@code embeddings} are taken as given (either may be null).
     */
    public static EvaluateParameters values(JobParameters p, Path labelsPath, Path embeddings) {
        String protocol = Params.string(p, "protocol", "probe");
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("protocol must be one of " + PROTOCOLS + ", got '" + protocol + "'");
        }
        String label = Params.string(p, "label", switch (protocol) {
            case "probe" -> "cancer_code";
            case "binary-cv" -> "label";
            default -> "grade";
        });
        List<Long> seeds = Arrays.stream(Params.string(p, "seeds", switch (protocol) {
            case "probe" -> "42,123,456";
            case "binary-cv" -> "42";
            default -> "17";
        }).split(",")).map(String::trim).map(s -> parseLong("seeds", s)).toList();
        int folds = (int) Params.longValue(p, "folds", 5);
        if (folds < 2) {
            throw new IllegalArgumentException("folds must be at least 2, got " + folds);
        }
        Double cv = Params.doubleValue(p, "C");
        double c = cv == null ? 1.0 : cv;
        if (!(c > 0)) {
            throw new IllegalArgumentException("C must be positive, got " + c);
        }
        List<String> models = Arrays.stream(Params.string(p, "models", String.join(",", MODELS)).split(","))
            .map(String::trim).toList();
        for (String m : models) {
            if (!MODELS.contains(m)) {
                throw new IllegalArgumentException("models must be among " + MODELS + ", got '" + m + "'");
            }
        }
        List<Double> cs = Arrays.stream(Params.string(p, "Cs", "0.1,0.3,1.0,3.0,10.0").split(","))
            .map(String::trim).map(s -> {
                double v = parseDouble("Cs", s);
                if (!(v > 0)) {
                    throw new IllegalArgumentException("Cs must be positive, got " + s);
                }
                return v;
            }).toList();
        int inner = (int) Params.longValue(p, "inner_folds", 3);
        if (inner < 2) {
            throw new IllegalArgumentException("inner_folds must be at least 2, got " + inner);
        }
        boolean selectOnTest = Params.bool(p, "select_on_test", false);
        int boots = (int) Params.longValue(p, "boots", 1000);
        if (boots < 1) {
            throw new IllegalArgumentException("boots must be positive, got " + boots);
        }
        long bootSeed = Params.longValue(p, "bootstrap_seed", protocol.equals("loco") ? 123 : 42);
        int maxIter = (int) Params.longValue(p, "max_iter", protocol.equals("loco") ? 4000 : 5000);
        Double tolv = Params.doubleValue(p, "tol");
        double tol = tolv == null ? 1e-4 : tolv;
        if (!(tol > 0) || maxIter < 1) {
            throw new IllegalArgumentException("tol and max_iter must be positive");
        }
        String aggregate = Params.string(p, "aggregate", switch (protocol) {
            case "probe" -> "mean";
            case "binary-cv" -> "none";
            default -> "max";
        });
        if (!List.of("mean", "max", "none").contains(aggregate)) {
            throw new IllegalArgumentException("aggregate must be mean, max or none, got '" + aggregate + "'");
        }
        return new EvaluateParameters(labelsPath, embeddings, protocol, label, seeds, folds, c, models, cs, inner,
            selectOnTest, boots, bootSeed, maxIter, tol, aggregate, Params.bool(p, "strict_labels", false));
    }

    /** The most recently modified folder under {@code <workspace>/embeddings/} (the embed step's tags). */
    static Path newestEmbeddings(Path workspaceRoot) {
        Path root = workspaceRoot.resolve("embeddings");
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("no embeddings=DIR given and " + root + " does not exist");
        }
        try (Stream<Path> s = Files.list(root)) {
            // embeddings/passports/ holds the embed steps' passports, not a tag
            return s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().equals(org.slidebatch.batch.PassportListener.FOLDER)).max(Comparator.comparing(EvaluateParameters::mtime).thenComparing(Path::toString))
                .orElseThrow(() -> new IllegalArgumentException("no embeddings=DIR given and " + root + " has no folder"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + root + ": " + e.getMessage());
        }
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long parseLong(String key, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be integers separated by commas, got '" + s + "'");
        }
    }

    private static double parseDouble(String key, String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be numbers separated by commas, got '" + s + "'");
        }
    }

    /** What a protocol needs of the labels: binary-cv two classes, loco integer (ordinal) labels. */
    public void check(EvaluationData d) {
        if (protocol.equals("binary-cv") && d.classes().size() != 2) {
            throw new IllegalArgumentException(labels + ": protocol binary-cv needs two classes in column '" + labelColumn
                + "', got " + d.classes());
        }
        if (protocol.equals("loco") && !d.classes().stream().allMatch(c -> c.matches("-?\\d+"))) {
            throw new IllegalArgumentException(labels + ": protocol loco needs integer grades in column '" + labelColumn
                + "', got " + d.classes());
        }
    }

    public String describe() {
        return String.format(Locale.ROOT, "protocol=%s label=%s seeds=%s folds=%d C=%s", protocol, labelColumn, seeds, folds, c);
    }
}
