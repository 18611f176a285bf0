package org.slidebatch.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidebatch.store.ReportStore;
import org.slidebatch.store.ReportStore.PassportRow;
import org.slidebatch.workspace.AtomicFiles;

/**
 * Builds one report: every figure and table whose input exists, a "not available (reason)" entry for every other,
 * the HTML page, and a {@code report_item} row per entry. A malformed input file makes its items unavailable with
 * the file and the reason; the report goes on.
 */
public final class ReportBuilder {

    private static final Logger log = LoggerFactory.getLogger(ReportBuilder.class);

    @FunctionalInterface
    interface Maker {
        ReportItem make() throws IOException, NotAvailable;
    }

    private final ReportStore store;
    private final ReportInputs inputs;

    public ReportBuilder(ReportStore store, Path workspaceRoot) {
        this.store = store;
        this.inputs = new ReportInputs(workspaceRoot);
    }

    /** The report's folder for a job execution: {@code report/<jobExecutionId>/}. */
    public static Path folder(Path workspaceRoot, long jobExecutionId) {
        return workspaceRoot.resolve("report").resolve(Long.toString(jobExecutionId));
    }

    public record Result(Path index, List<ReportItem> items) {
        public long available() {
            return items.stream().filter(ReportItem::available).count();
        }
    }

    public Result build(long stepExecutionId, long jobExecutionId, ReportParameters params) throws IOException {
        Path dir = folder(inputs.root(), jobExecutionId);
        ReportCanvas canvas = new ReportCanvas(dir, inputs.root(), params.dpi());
        PipelineFigures pipe = new PipelineFigures(store, canvas);
        EvaluationFigures eval = new EvaluationFigures(inputs, canvas);
        ReportTables tables = new ReportTables(inputs, dir, store);
        String P = EvaluationFigures.PROBE;
        String B = EvaluationFigures.BINARY;
        String L = EvaluationFigures.LOCO;
        String G = EvaluationFigures.GRADE;
        String S = PipelineFigures.SECTION;
        List<ReportItem> items = new ArrayList<>();
        // Pipeline
        add(items, "slides_by_status", S, "Slides per status", ReportItem.Kind.FIGURE, pipe::slidesByStatus);
        add(items, "slide_status", S, "Slides per status (table)", ReportItem.Kind.TABLE, tables::slideStatus);
        add(items, "mpp_availability", S, "µm/px availability", ReportItem.Kind.FIGURE, pipe::mppAvailability);
        add(items, "qc_tissue_pct", S, "Tissue fraction per slide", ReportItem.Kind.FIGURE, pipe::tissuePercent);
        add(items, "qc_blur", S, "Sharpness per slide", ReportItem.Kind.FIGURE, pipe::blur);
        add(items, "tokens_per_slide", S, "Tokens per slide", ReportItem.Kind.FIGURE, pipe::tokensPerSlide);
        add(items, "throughput_by_step", S, "Throughput per step across runs", ReportItem.Kind.FIGURE, pipe::throughputByStep);
        add(items, "training_loss", S, "Training loss curves", ReportItem.Kind.FIGURE, pipe::trainingLoss);
        add(items, "embedding_map", S, "Embedding map (PCA; NB13 suppfig1)", ReportItem.Kind.FIGURE,
            () -> pipe.embeddingMap(inputs, params.embeddingTag()));
        // NB07 probe
        add(items, "probe_summary", P, "Probe summary (test_metrics.json)", ReportItem.Kind.TABLE, () -> tables.evaluationJson(
            "probe_summary", P, "Probe summary (test_metrics.json)", "test_metrics.json", "Mean, std and CI of the probe's metrics."));
        add(items, "probe_fold_metrics", P, "Per-fold metrics with confidence intervals", ReportItem.Kind.FIGURE, eval::probeFoldMetrics);
        add(items, "probe_fold_results", P, "Per-fold metrics (fold_results.csv)", ReportItem.Kind.TABLE, () -> tables.evaluationCsv(
            "probe_fold_results", P, "Per-fold metrics (fold_results.csv)", "fold_results.csv", "One row per seed and fold."));
        add(items, "fig3A_per_cancer_f1", P, "fig3A: F1 per cancer type", ReportItem.Kind.FIGURE, eval::fig3aPerCancerF1);
        add(items, "fig3B_per_cancer_auroc", P, "fig3B: AUROC per cancer type", ReportItem.Kind.FIGURE, eval::fig3bPerCancerAuroc);
        add(items, "fig3C_organ_system_f1", P, "fig3C: F1 per organ system", ReportItem.Kind.FIGURE, eval::fig3cOrganSystemF1);
        add(items, "fig3D_f1_vs_support", P, "fig3D: F1 vs class support", ReportItem.Kind.FIGURE, eval::fig3dF1VsSupport);
        add(items, "probe_per_class", P, "Per-class metrics (per_class_metrics.csv)", ReportItem.Kind.TABLE, () -> tables.evaluationCsv(
            "probe_per_class", P, "Per-class metrics (per_class_metrics.csv)", "per_class_metrics.csv", "Classification report, transposed."));
        add(items, "probe_confusion", P, "Confusion matrix (confusion_matrix.csv)", ReportItem.Kind.TABLE, () -> tables.evaluationCsv(
            "probe_confusion", P, "Confusion matrix (confusion_matrix.csv)", "confusion_matrix.csv", "Counts; rows true, columns predicted."));
        add(items, "fig4E_osfm_vs_uni2h", P, "fig4E: OpenSlideFM vs UNI2-h per class", ReportItem.Kind.FIGURE, () -> {
            throw new NotAvailable("no per-class metrics of a UNI2-h baseline: OpenSlideFM reads uni2h_per_class_metrics.csv, which no notebook and no stage produces");
        });
        // NB09A binary
        add(items, "fig4A_binary_roc", B, "fig4A: ROC of the binary task", ReportItem.Kind.FIGURE, eval::fig4aBinaryRoc);
        add(items, "binary_results", B, "Binary results (results.json)", ReportItem.Kind.TABLE, () -> tables.evaluationJson(
            "binary_results", B, "Binary results (results.json)", "results.json", "Pooled out-of-fold AUROC with its bootstrap CI, accuracy, F1, AP."));
        // NB09 LOCO
        add(items, "fig4C_per_center_kappa", L, "fig4C: κ per center", ReportItem.Kind.FIGURE, eval::fig4cPerCenterKappa);
        add(items, "fig4D_transitions", L, "fig4D: transition matrix", ReportItem.Kind.FIGURE, eval::fig4dTransitions);
        add(items, "loco_best_config", L, "Best configuration (best_config.json)", ReportItem.Kind.TABLE, () -> tables.evaluationJson(
            "loco_best_config", L, "Best configuration (best_config.json)", "best_config.json", "Selected model, pooled κ and its patient bootstrap CI."));
        add(items, "loco_per_center", L, "κ per center (per_center_kappa.csv)", ReportItem.Kind.TABLE, () -> tables.evaluationCsv(
            "loco_per_center", L, "κ per center (per_center_kappa.csv)", "per_center_kappa.csv", "Quadratic-weighted κ per held-out center."));
        add(items, "loco_ablations", L, "Model grid (ablations_summary.csv)", ReportItem.Kind.TABLE, () -> tables.evaluationCsv(
            "loco_ablations", L, "Model grid (ablations_summary.csv)", "ablations_summary.csv", "Every model × C, ranked by mean per-center κ."));
        add(items, "loco_transitions_counts", L, "Transition counts", ReportItem.Kind.TABLE, () -> tables.evaluationCsv(
            "loco_transitions_counts", L, "Transition counts (transition_matrix_counts.csv)", "transition_matrix_counts.csv", "Rows true, columns predicted."));
        // NB11/NB12 grading
        add(items, "fig4B_grade_per_class", G, "fig4B: per-grade precision/recall/F1", ReportItem.Kind.FIGURE, eval::fig4bPerGrade);
        add(items, "grade_threshold_roc", G, "ROC curves of ISUP ≥ t", ReportItem.Kind.FIGURE, eval::gradeThresholdRoc);
        add(items, "fig4F_cross_provider", G, "fig4F: AUROC per provider", ReportItem.Kind.FIGURE, eval::fig4fCrossProvider);
        add(items, "grade_metrics_auc", G, "Threshold AUROC/AUPRC (metrics_auc.json)", ReportItem.Kind.TABLE, () -> tables.gradeJson(
            "grade_metrics_auc", G, "Threshold AUROC/AUPRC (metrics_auc.json)", "metrics_auc.json", "Macro AUROC and per-threshold AUROC, AUPRC, positive rate."));
        add(items, "grade_by_provider", G, "Metrics per provider", ReportItem.Kind.TABLE, () -> tables.gradeCsv(
            "grade_by_provider", G, "Metrics per provider (metrics_auc_by_provider.csv)", "metrics_auc_by_provider.csv", "NB12's metrics within each data provider."));
        add(items, "fig1C_computational_efficiency", "Not drawn", "fig1C: computational efficiency", ReportItem.Kind.FIGURE, () -> {
            throw new NotAvailable("not drawn: its numbers are the paper's constants (other models' parameter counts and GPU memory), not results of this pipeline");
        });

        List<Long> cited = new ArrayList<>(items.stream().flatMap(i -> i.provenance().stepExecutionIds().stream()).distinct().toList());
        cited.add(stepExecutionId);
        var executions = store.stepExecutions(cited);
        Map<Long, PassportRow> passports = new LinkedHashMap<>();
        store.passports().stream().filter(p -> cited.contains(p.stepExecutionId())).forEach(p -> passports.put(p.stepExecutionId(), p));
        var header = new HtmlReport.Header(stepExecutionId, jobExecutionId, Instant.now().toString(), inputs.root().toString(), params.dpi());
        Path index = dir.resolve("index.html");
        AtomicFiles.writeString(index, HtmlReport.render(header, items, executions, passports));
        for (ReportItem i : items) {
            store.saveItem(stepExecutionId, i.id(), i.kind().name().toLowerCase(java.util.Locale.ROOT), i.title(), i.available(),
                i.reason(), String.join(" ", i.files()), HtmlReport.ids(i.provenance().stepExecutionIds()),
                i.provenance().inputs().stream().map(x -> x.name() + "=" + x.sha256()).collect(Collectors.joining("; ")),
                inputs.root().relativize(index).toString());
        }
        return new Result(index, items);
    }

    private void add(List<ReportItem> items, String id, String section, String title, ReportItem.Kind kind, Maker maker) {
        try {
            items.add(maker.make());
        } catch (NotAvailable e) {
            items.add(ReportItem.missing(id, kind, section, title, e.getMessage()));
        } catch (IOException | RuntimeException e) {
            // Bad input: name it, list the item as unavailable, go on with the rest of the report.
            log.warn("report item {}: {}", id, e.getMessage());
            items.add(ReportItem.missing(id, kind, section, title, "bad input: " + e.getMessage()));
        }
    }
}
