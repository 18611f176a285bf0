package org.slidebatch.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.slidebatch.synth.SyntheticCohort;

/**
 * Test inputs for evaluation without pixels: the labels of a generated evaluation cohort
 * ({@link SyntheticCohort#labelsCsv}, patients, 6 centers, 4 cancer types, grade 0–5) and slide vectors from the
 * documented {@link SyntheticEmbeddings} generator.
 */
public final class EvaluationCohort {

    private EvaluationCohort() {
    }

    /** Writes {@code labels.csv} and {@code emb/} under {@code dir}; returns the labels file. */
    public static Path write(Path dir, int slides, long seed, double signal) throws IOException {
        Files.createDirectories(dir);
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, SyntheticCohort.labelsCsv(new SyntheticCohort.Options(slides, seed, 256, 256, 1, null, true)));
        SyntheticEmbeddings.write(labels, dir.resolve("emb"), 768, signal, seed);
        return labels;
    }

    /**
     * A copy of the labels with {@code column} permuted across patients (every slide of a patient keeps one
     * value), so the embeddings no longer carry that label.
     */
    public static Path shuffled(Path labels, String column, long seed) throws IOException {
        List<String> lines = Files.readAllLines(labels);
        List<String> header = List.of(lines.get(0).split(","));
        int col = header.indexOf(column);
        int pid = header.indexOf("patient_id");
        Map<String, String> valueOf = new LinkedHashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            valueOf.putIfAbsent(c[pid], c[col]);
        }
        List<String> values = new ArrayList<>(valueOf.values());
        Collections.shuffle(values, new Random(seed));
        Map<String, String> permuted = new LinkedHashMap<>();
        int i = 0;
        for (String p : valueOf.keySet()) {
            permuted.put(p, values.get(i++));
        }
        StringBuilder out = new StringBuilder(lines.get(0)).append('\n');
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            c[col] = permuted.get(c[pid]);
            out.append(String.join(",", c)).append('\n');
        }
        Path file = labels.resolveSibling("labels-shuffled-" + column + ".csv");
        Files.writeString(file, out);
        return file;
    }
}
