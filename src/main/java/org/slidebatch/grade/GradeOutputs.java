package org.slidebatch.grade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slidebatch.workspace.AtomicFiles;

/**
 * Publishes a cross-validation's four result files from its run folder to {@code grade/}, each naming the step
 * execution that published it (provenance: a {@code step_execution_id} column in the CSVs, a field in the JSONs;
 * the report requires it). The run folder's files stay as {@link GradeCrossValidation} wrote them, so they compare
 * byte for byte across runs and restarts.
 */
public final class GradeOutputs {

    public static final String STEP_EXECUTION = "step_execution_id";

    /** NB11/NB12's outputs. */
    public static final List<String> FILES = List.of(GradeCrossValidation.OOF, "metrics_auc.json",
        "metrics_auc_by_provider.csv", "summary.json");

    private GradeOutputs() {
    }

    /** Writes {@code out/<file>} for each of {@link #FILES} from {@code runDir/<file>}; returns the written paths. */
    public static List<Path> publish(Path runDir, Path out, long stepExecutionId) throws IOException {
        List<Path> written = new java.util.ArrayList<>();
        for (String name : FILES) {
            Path from = runDir.resolve(name);
            String text = name.endsWith(".csv") ? withColumn(Files.readAllLines(from), stepExecutionId)
                : withField(from, stepExecutionId);
            Path to = out.resolve(name);
            AtomicFiles.writeString(to, text);
            written.add(to);
        }
        return written;
    }

    static String withColumn(List<String> lines, long id) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(lines.get(i)).append(',').append(i == 0 ? STEP_EXECUTION : Long.toString(id)).append('\n');
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    static String withField(Path file, long id) throws IOException {
        Map<String, Object> m;
        try {
            m = GradeCrossValidation.JSON.readValue(file.toFile(), LinkedHashMap.class);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        m.put(STEP_EXECUTION, id);
        return GradeCrossValidation.JSON.writeValueAsString(m) + "\n";
    }
}
