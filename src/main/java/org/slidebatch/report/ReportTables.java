package org.slidebatch.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.slidebatch.store.ReportStore;
import org.slidebatch.store.ReportStore.SlideRow;
import org.slidebatch.workspace.AtomicFiles;
import org.slidebatch.workspace.Csv;

import tools.jackson.databind.JsonNode;

/**
 * The report's tables: the evaluation CSVs (copied into {@code <report>/tables/} so the links work from the file
 * system), the JSON summaries flattened to key/value tables, and the slide status counts from the database.
 */
public final class ReportTables {

    private final ReportInputs in;
    private final Path reportDir;
    private final ReportStore store;

    public ReportTables(ReportInputs in, Path reportDir, ReportStore store) {
        this.in = in;
        this.reportDir = reportDir;
        this.store = store;
    }

    ReportItem evaluationCsv(String id, String section, String title, String file, String caption) throws IOException, NotAvailable {
        return csv(id, section, title, in.evaluation(file), caption);
    }

    ReportItem gradeCsv(String id, String section, String title, String file, String caption) throws IOException, NotAvailable {
        return csv(id, section, title, in.grade(file), caption);
    }

    ReportItem csv(String id, String section, String title, Path source, String caption) throws IOException {
        CsvTable t = CsvTable.read(source);
        Provenance p = Provenance.of(t.stepExecutionIds(), Provenance.file(in.root(), source));
        Path copy = reportDir.resolve("tables").resolve(id + ".csv");
        AtomicFiles.write(copy, out -> Files.copy(source, out));
        return ReportItem.table(id, section, title, caption + " Source: " + in.root().relativize(source) + ".",
            List.of("tables/" + id + ".csv"), p, t.header(), t.rows());
    }

    /** A JSON summary as a two-column table: flattened keys (a.b, list[i]) and values. */
    ReportItem json(String id, String section, String title, Path source, String caption) throws IOException {
        JsonNode root = ReportInputs.json(source);
        long step = ReportInputs.stepExecutionId(source, root);
        List<List<String>> rows = new ArrayList<>();
        flatten("", root, rows);
        StringBuilder csv = new StringBuilder(Csv.line("key", "value"));
        rows.forEach(r -> csv.append(Csv.line(r.get(0), r.get(1))));
        AtomicFiles.writeString(reportDir.resolve("tables").resolve(id + ".csv"), csv.toString());
        Provenance p = Provenance.of(List.of(step), Provenance.file(in.root(), source));
        return ReportItem.table(id, section, title, caption + " Source: " + in.root().relativize(source) + ".",
            List.of("tables/" + id + ".csv"), p, List.of("key", "value"), rows);
    }

    ReportItem evaluationJson(String id, String section, String title, String file, String caption) throws IOException, NotAvailable {
        return json(id, section, title, in.evaluation(file), caption);
    }

    ReportItem gradeJson(String id, String section, String title, String file, String caption) throws IOException, NotAvailable {
        return json(id, section, title, in.grade(file), caption);
    }

    ReportItem slideStatus() throws IOException, NotAvailable {
        List<SlideRow> slides = store.slides();
        if (slides.isEmpty()) {
            throw new NotAvailable("no slide rows (run the manifest job)");
        }
        Map<String, Integer> counts = new TreeMap<>();
        slides.forEach(s -> counts.merge(s.status(), 1, Integer::sum));
        List<List<String>> rows = new ArrayList<>();
        StringBuilder csv = new StringBuilder(Csv.line("status", "slides"));
        counts.forEach((k, v) -> {
            rows.add(List.of(k, Integer.toString(v)));
            csv.append(Csv.line(k, v));
        });
        AtomicFiles.writeString(reportDir.resolve("tables").resolve("slide_status.csv"), csv.toString());
        Provenance p = Provenance.of(slides.stream().map(SlideRow::stepExecutionId).filter(Objects::nonNull).toList(),
            Provenance.rows("slide", slides));
        return ReportItem.table("slide_status", PipelineFigures.SECTION, "Slides per status", "Manifest status of every slide.",
            List.of("tables/slide_status.csv"), p, List.of("status", "slides"), rows);
    }

    private static void flatten(String prefix, JsonNode node, List<List<String>> out) {
        if (node.isObject()) {
            for (var e : node.properties()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.add(List.of(prefix, node.isNull() ? "null" : node.asString()));
        }
    }
}
