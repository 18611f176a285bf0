package org.slidebatch.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.slidebatch.model.Npy;

/**
 * The units an evaluation fits on (slides, or patients aggregated from their slides), from a labels CSV and a
 * folder of slide embeddings ({@code <slide_id>.npy}, one float32 vector each).
 *
 * <p>Labels contract: a header with {@code slide_id} or {@code patient_id} (or both), the label column, and
 * optional {@code group}, {@code center}, {@code provider}. With {@code slide_id} each row labels one slide;
 * with only {@code patient_id} a row labels every embedding whose file name is the patient id or starts with it
 * followed by '-', '_' or '.'.
 *
 * <p>A row whose slide (or patient) has no embedding, or whose label is empty, is left out with its reason
 * ({@link Exclusion}: "no embedding for slide X under embeddings/&lt;tag&gt;", a slide not in the workspace's
 * manifest said so, the reason a stage gave for the slide when one did) and the evaluation goes on with the other
 * rows; with {@code strict} such a row is an error instead. Always errors (naming the file and the line): duplicate
 * row, a patient with two different labels, a class with one member, no row left.
 *
 * @param units unit ids in first-appearance order of the labels file
 * @param y encoded labels 0..K−1 (classes sorted: numerically when all are integers)
 * @param excluded the label rows left out, in file order
 */
public record EvaluationData(List<String> units, double[][] x, int[] y, List<String> classes, String[] patients,
                             String[] centers, String[] groups, String[] providers, int slides, List<Exclusion> excluded) {

    /**
     * A label row left out of the evaluation.
     *
     * @param line the row's line in the labels file (header = 1)
     * @param key its slide_id (or patient_id when the file has no slide_id)
     */
    public record Exclusion(int line, String key, String reason) {
    }

    /**
     * What the workspace knows of slides that have no embedding: {@code null} = nothing (the slide is only said to
     * have no embedding); else, per slide id in the manifest, the reason a stage recorded for it (empty when none).
     */
    public interface SlideKnowledge {
        /** null when the slide is not in the workspace's manifest; "" when it is and no stage gave a reason. */
        String reasonFor(String slideId);
    }

    public static EvaluationData load(Path labelsFile, Path embeddingsDir, String labelColumn, String aggregate)
        throws IOException {
        return load(labelsFile, embeddingsDir, labelColumn, aggregate, false, null);
    }

    public static EvaluationData load(Path labelsFile, Path embeddingsDir, String labelColumn, String aggregate,
                                      boolean strict, SlideKnowledge known) throws IOException {
        CsvTable t = CsvTable.read(labelsFile);
        boolean bySlide = t.has("slide_id");
        if (!bySlide && !t.has("patient_id")) {
            throw new IllegalArgumentException(labelsFile + ": needs a slide_id or patient_id column (columns: "
                + String.join(", ", t.header()) + ")");
        }
        t.require(labelColumn);
        Map<String, Path> embeddings = listEmbeddings(embeddingsDir);
        // One labelled row per slide; then units (slides or patients).
        Map<String, Integer> rowOfKey = new HashMap<>();
        List<String> slideIds = new ArrayList<>();
        List<Integer> slideRow = new ArrayList<>();
        List<Exclusion> excluded = new ArrayList<>();
        for (int r = 0; r < t.size(); r++) {
            String key = bySlide ? t.get(r, "slide_id") : t.get(r, "patient_id");
            String where = labelsFile + " line " + t.line(r);
            if (key.isEmpty()) {
                throw new IllegalArgumentException(where + ": empty " + (bySlide ? "slide_id" : "patient_id"));
            }
            Integer prev = rowOfKey.putIfAbsent(key, r);
            if (prev != null) {
                throw new IllegalArgumentException(where + ": duplicate row for '" + key + "' (first at line " + t.line(prev) + ")");
            }
            if (t.get(r, labelColumn).isEmpty()) {
                if (strict) {
                    throw new IllegalArgumentException(where + ": missing label (column '" + labelColumn + "') for '" + key + "'");
                }
                excluded.add(new Exclusion(t.line(r), key, "no label in column '" + labelColumn + "'"));
                continue;
            }
            if (bySlide) {
                if (!embeddings.containsKey(key)) {
                    if (strict) {
                        throw new IllegalArgumentException(where + ": unknown slide '" + key + "' (no " + key + ".npy in "
                            + embeddingsDir + ")");
                    }
                    excluded.add(new Exclusion(t.line(r), key, noEmbedding("slide", key, embeddingsDir, known)));
                    continue;
                }
                slideIds.add(key);
                slideRow.add(r);
            } else {
                List<String> own = embeddings.keySet().stream().filter(s -> belongsTo(s, key)).sorted().toList();
                if (own.isEmpty()) {
                    if (strict) {
                        throw new IllegalArgumentException(where + ": unknown patient '" + key + "' (no embedding named after it in "
                            + embeddingsDir + ")");
                    }
                    excluded.add(new Exclusion(t.line(r), key, noEmbedding("patient", key, embeddingsDir, null)));
                    continue;
                }
                for (String s : own) {
                    slideIds.add(s);
                    slideRow.add(r);
                }
            }
        }
        // Units.
        boolean perSlide = aggregate.equals("none");
        Map<String, List<Integer>> slidesOfUnit = new LinkedHashMap<>();
        for (int i = 0; i < slideIds.size(); i++) {
            int r = slideRow.get(i);
            String patient = t.has("patient_id") && !t.get(r, "patient_id").isEmpty() ? t.get(r, "patient_id") : slideIds.get(i);
            String unit = perSlide ? slideIds.get(i) : patient;
            slidesOfUnit.computeIfAbsent(unit, k -> new ArrayList<>()).add(i);
        }
        List<String> units = new ArrayList<>(slidesOfUnit.keySet());
        int n = units.size();
        String[] labels = new String[n];
        String[] patients = new String[n];
        String[] centers = new String[n];
        String[] groups = new String[n];
        String[] providers = new String[n];
        int[] firstRow = new int[n];
        double[][] x = new double[n][];
        for (int u = 0; u < n; u++) {
            List<Integer> members = slidesOfUnit.get(units.get(u));
            int r0 = slideRow.get(members.get(0));
            firstRow[u] = r0;
            labels[u] = t.get(r0, labelColumn);
            patients[u] = t.has("patient_id") && !t.get(r0, "patient_id").isEmpty() ? t.get(r0, "patient_id") : units.get(u);
            centers[u] = t.has("center") ? t.get(r0, "center") : null;
            groups[u] = t.has("group") ? t.get(r0, "group") : centers[u];
            providers[u] = t.has("provider") ? t.get(r0, "provider") : null;
            for (int m : members) {
                int r = slideRow.get(m);
                if (!t.get(r, labelColumn).equals(labels[u])) {
                    throw new IllegalArgumentException(labelsFile + " line " + t.line(r) + ": patient '" + units.get(u)
                        + "' has label '" + t.get(r, labelColumn) + "' here and '" + labels[u] + "' at line " + t.line(r0));
                }
            }
            x[u] = aggregate(members.stream().map(i -> embeddings.get(slideIds.get(i))).toList(), aggregate);
            if (u > 0 && x[u].length != x[0].length) {
                throw new IllegalArgumentException(embeddings.get(slideIds.get(members.get(0))) + ": " + x[u].length
                    + " values, other embeddings have " + x[0].length);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException(labelsFile + ": no labelled rows" + (excluded.isEmpty() ? ""
                : " with an embedding (" + excluded.size() + " left out, first: line " + excluded.get(0).line() + ": "
                    + excluded.get(0).reason() + ")"));
        }
        List<String> classes = sortedClasses(labels);
        int[] y = new int[n];
        int[] count = new int[classes.size()];
        for (int u = 0; u < n; u++) {
            y[u] = classes.indexOf(labels[u]);
            count[y[u]]++;
        }
        for (int k = 0; k < classes.size(); k++) {
            if (count[k] < 2) {
                int only = 0;
                for (int i = 0; i < n; i++) {
                    if (y[i] == k) {
                        only = i;
                    }
                }
                throw new IllegalArgumentException(labelsFile + " line " + t.line(firstRow[only]) + ": class '" + classes.get(k)
                    + "' has one member ('" + units.get(only) + "'); stratified splits need at least two per class");
            }
        }
        if (classes.size() < 2) {
            throw new IllegalArgumentException(labelsFile + ": column '" + labelColumn + "' has a single class '" + classes.get(0) + "'");
        }
        return new EvaluationData(units, x, y, classes, patients, centers, groups, providers, slideIds.size(),
            List.copyOf(excluded));
    }

    /** "no embedding for slide X under embeddings/&lt;tag&gt;", with what the workspace knows of the slide. */
    static String noEmbedding(String what, String key, Path embeddingsDir, SlideKnowledge known) {
        Path parent = embeddingsDir.toAbsolutePath().normalize().getParent();
        String where = parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("embeddings")
            ? "embeddings/" + embeddingsDir.getFileName() : embeddingsDir.toString();
        String base = "no embedding for " + what + " " + key + " under " + where;
        if (known == null) {
            return base;
        }
        String reason = known.reasonFor(key);
        if (reason == null) {
            return base + " (not a slide of this workspace's manifest)";
        }
        return reason.isEmpty() ? base : base + " (" + reason + ")";
    }

    static boolean belongsTo(String slide, String patient) {
        if (slide.equals(patient)) {
            return true;
        }
        if (!slide.startsWith(patient) || slide.length() == patient.length()) {
            return false;
        }
        char c = slide.charAt(patient.length());
        return c == '-' || c == '_' || c == '.';
    }

    /** Sorted class names: numerically when every name is an integer, else lexicographically (LabelEncoder). */
    static List<String> sortedClasses(String[] labels) {
        TreeSet<String> set = new TreeSet<>(Arrays.asList(labels));
        boolean numeric = set.stream().allMatch(s -> s.matches("-?\\d+"));
        List<String> out = new ArrayList<>(set);
        if (numeric) {
            out.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        }
        return out;
    }

    static Map<String, Path> listEmbeddings(Path dir) throws IOException {
        Map<String, Path> out = new HashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".npy")).forEach(p -> {
                String name = p.getFileName().toString();
                out.put(name.substring(0, name.length() - 4), p);
            });
        }
        return out;
    }

    private static double[] aggregate(List<Path> files, String how) throws IOException {
        double[] acc = null;
        for (Path f : files) {
            float[] v;
            try {
                v = Npy.read(f);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(f + ": not a readable float32 .npy vector (" + e.getMessage() + ")");
            }
            if (acc == null) {
                acc = new double[v.length];
                if (how.equals("max")) {
                    Arrays.fill(acc, Double.NEGATIVE_INFINITY);
                }
            } else if (v.length != acc.length) {
                throw new IllegalArgumentException(f + ": " + v.length + " values, the patient's other slides have " + acc.length);
            }
            for (int j = 0; j < v.length; j++) {
                acc[j] = how.equals("max") ? Math.max(acc[j], v[j]) : acc[j] + v[j];
            }
        }
        if (!how.equals("max")) {
            for (int j = 0; j < acc.length; j++) {
                acc[j] /= files.size();
            }
        }
        return acc;
    }
}
