package org.slidebatch.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The NB13 figures our data supports, from the evaluation and grading outputs (OpenSlideFM's file names and columns
 * plus {@code step_execution_id}). Paper constants (fig1C, the UNI/Virchow AUROC lines of fig4A) are not drawn.
 */
public final class EvaluationFigures {

    static final String PROBE = "Pan-cancer linear probe (NB07)";
    static final String BINARY = "Binary detection, cross-validated (NB09A)";
    static final String LOCO = "pN staging, leave one center out (NB09)";
    static final String GRADE = "ISUP grading (NB11/NB12)";
    static final Set<String> REPORT_ROWS = Set.of("accuracy", "macro avg", "weighted avg");

    /** NB13's organ-system grouping of the TCGA codes (fig3C); codes not listed are "Other". */
    static final Map<String, String> ORGAN_SYSTEM = organSystems();

    private final ReportInputs in;
    private final ReportCanvas canvas;

    public EvaluationFigures(ReportInputs in, ReportCanvas canvas) {
        this.in = in;
        this.canvas = canvas;
    }

    /** Per-fold metrics of the probe: the mean over folds of each metric with its 95 % Student-t interval. */
    ReportItem probeFoldMetrics() throws IOException, NotAvailable {
        Path f = in.evaluation("fold_results.csv");
        CsvTable t = CsvTable.read(f);
        List<String> metrics = List.of("accuracy", "balanced_accuracy", "macro_f1", "macro_auc");
        List<Double> means = new ArrayList<>();
        List<Double> errs = new ArrayList<>();
        StringBuilder caption = new StringBuilder("Mean over " + t.rows().size() + " folds (seeds × folds) with the 95 % "
            + "Student-t interval of the mean:");
        for (String m : metrics) {
            double[] v = t.doubles(m);
            means.add(nanToZero(Stats.mean(v)));
            errs.add(nanToZero(Stats.ci95HalfWidth(v)));
            caption.append(String.format(Locale.ROOT, " %s %s ± %s (n=%d);", m, ReportCanvas.fmt(Stats.mean(v)),
                ReportCanvas.fmt(Stats.ci95HalfWidth(v)), Stats.count(v)));
        }
        CategoryChart c = ReportCanvas.bars("Probe metrics per fold, mean ± 95 % CI", "metric", "value");
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        c.addSeries("mean", metrics, means, errs);
        return canvas.save("probe_fold_metrics", PROBE, "Per-fold metrics with confidence intervals", caption.toString(), c,
            provenance(t));
    }

    record ClassRow(String name, double precision, double recall, double f1, double support) {
    }

    List<ClassRow> perClass(CsvTable t) throws IOException {
        String label = t.header().getFirst();
        List<String> names = t.strings(label);
        double[] p = t.doubles("precision");
        double[] r = t.doubles("recall");
        double[] f1 = t.doubles("f1-score");
        double[] s = t.doubles("support");
        List<ClassRow> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!REPORT_ROWS.contains(names.get(i))) {
                out.add(new ClassRow(names.get(i), p[i], r[i], f1[i], s[i]));
            }
        }
        return out;
    }

    ReportItem fig3aPerCancerF1() throws IOException, NotAvailable {
        CsvTable t = CsvTable.read(in.evaluation("per_class_metrics.csv"));
        List<ClassRow> rows = new ArrayList<>(perClass(t));
        rows.sort(Comparator.comparingDouble(ClassRow::f1));
        double mean = rows.stream().mapToDouble(ClassRow::f1).average().orElse(Double.NaN);
        CategoryChart c = ReportCanvas.bars("F1 per cancer type (ascending)", "class", "F1");
        c.getStyler().setXAxisLabelRotation(70);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        List<String> names = rows.stream().map(ClassRow::name).toList();
        c.addSeries("F1", names, rows.stream().map(ClassRow::f1).toList());
        CategorySeries line = c.addSeries("mean F1", names, names.stream().map(n -> mean).toList());
        line.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(ChartFiles.REFERENCE);
        line.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        return canvas.save("fig3A_per_cancer_f1", PROBE, "fig3A: F1 per cancer type", "Out-of-fold F1 of each class "
            + "(classification report of the probe, " + rows.size() + " classes), ascending; dashed: mean F1 "
            + ReportCanvas.fmt(mean) + ". Vertical bars (XChart has no horizontal bar chart).", c, provenance(t));
    }

    ReportItem fig3cOrganSystemF1() throws IOException, NotAvailable {
        CsvTable t = CsvTable.read(in.evaluation("per_class_metrics.csv"));
        Map<String, List<Double>> groups = new LinkedHashMap<>();
        for (ClassRow r : perClass(t)) {
            groups.computeIfAbsent(ORGAN_SYSTEM.getOrDefault(r.name(), "Other"), k -> new ArrayList<>()).add(r.f1());
        }
        List<String> names = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> stds = new ArrayList<>();
        groups.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            names.add(e.getKey() + " (n=" + v.length + ")");
            means.add(Stats.mean(v));
            stds.add(nanToZero(Stats.std(v)));
        });
        CategoryChart c = ReportCanvas.bars("F1 per organ system (mean ± std over classes)", "organ system", "F1");
        c.getStyler().setXAxisLabelRotation(45);
        c.getStyler().setYAxisMin(0.0);
        c.addSeries("F1", names, means, stds);
        return canvas.save("fig3C_organ_system_f1", PROBE, "fig3C: F1 per organ system", "Mean ± sample std of the class F1 "
            + "scores within each organ system (NB13's grouping of the TCGA codes; n = classes in the group).", c, provenance(t));
    }

    ReportItem fig3dF1VsSupport() throws IOException, NotAvailable {
        CsvTable t = CsvTable.read(in.evaluation("per_class_metrics.csv"));
        List<ClassRow> rows = perClass(t).stream().filter(r -> r.support() > 0).toList();
        if (rows.size() < 3) {
            throw new NotAvailable("fewer than 3 classes with support in " + t.path().getFileName());
        }
        double[] logS = rows.stream().mapToDouble(r -> Math.log10(r.support())).toArray();
        double[] f1 = rows.stream().mapToDouble(ClassRow::f1).toArray();
        double r = Stats.pearson(logS, f1);
        double mx = Stats.mean(logS);
        double my = Stats.mean(f1);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < logS.length; i++) {
            sxy += (logS[i] - mx) * (f1[i] - my);
            sxx += (logS[i] - mx) * (logS[i] - mx);
        }
        double slope = sxy / sxx;
        XYChart c = ReportCanvas.xy("F1 vs class support", "support (patients, log scale)", "F1");
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setLegendVisible(false);
        XYSeries pts = c.addSeries("classes", rows.stream().mapToDouble(ClassRow::support).toArray(), f1);
        pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        double lo = Math.pow(10, java.util.Arrays.stream(logS).min().orElseThrow());
        double hi = Math.pow(10, java.util.Arrays.stream(logS).max().orElseThrow());
        XYSeries fit = c.addSeries("linear fit", new double[] {lo, hi},
            new double[] {my + slope * (Math.log10(lo) - mx), my + slope * (Math.log10(hi) - mx)});
        fit.setMarker(SeriesMarkers.NONE);
        fit.setLineColor(ChartFiles.REFERENCE);
        return canvas.save("fig3D_f1_vs_support", PROBE, "fig3D: F1 vs class support", String.format(Locale.ROOT,
            "F1 of each class against its support (all out-of-fold patients of the class); Pearson r of log10(support) "
                + "and F1 = %.3f over %d classes; grey: least-squares line.", r, rows.size()), c, provenance(t));
    }

    /** Per-class one-vs-rest AUROC of the probe's out-of-fold probabilities (oof.csv: y_true and prob_<class>). */
    ReportItem fig3bPerCancerAuroc() throws IOException, NotAvailable {
        Path f = in.evaluationBeside("fold_results.csv", "oof.csv");
        CsvTable t = CsvTable.read(f);
        List<String> probCols = t.header().stream().filter(h -> h.startsWith("prob_")).toList();
        if (probCols.isEmpty()) {
            throw new IOException(f + ": no prob_<class> columns");
        }
        List<String> y = t.strings("y_true");
        List<String> names = new ArrayList<>();
        List<Double> aucs = new ArrayList<>();
        for (int k = 0; k < probCols.size(); k++) {
            String cls = probCols.get(k).substring("prob_".length());
            int[] bin = new int[y.size()];
            int pos = 0;
            for (int i = 0; i < bin.length; i++) {
                String v = y.get(i).trim();
                bin[i] = v.equals(cls) || v.equals(Integer.toString(k)) ? 1 : 0;
                pos += bin[i];
            }
            if (pos == 0 || pos == bin.length) {
                continue; // AUROC undefined for a class absent from (or alone in) the OOF set
            }
            names.add(cls);
            aucs.add(Stats.roc(bin, t.doubles(probCols.get(k))).auc());
        }
        if (names.isEmpty()) {
            throw new NotAvailable("no class of " + f.getFileName() + " has both positives and negatives");
        }
        CategoryChart c = ReportCanvas.bars("One-vs-rest AUROC per class", "class", "AUROC");
        c.getStyler().setXAxisLabelRotation(70);
        c.getStyler().setYAxisMin(0.5);
        c.getStyler().setYAxisMax(1.0);
        c.addSeries("AUROC", names, aucs);
        return canvas.save("fig3B_per_cancer_auroc", PROBE, "fig3B: AUROC per cancer type", "One-vs-rest AUROC of each class "
            + "on the out-of-fold probabilities (" + names.size() + " classes with positives and negatives; macro mean "
            + ReportCanvas.fmt(aucs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)) + ").", c, provenance(t));
    }

    ReportItem fig4aBinaryRoc() throws IOException, NotAvailable {
        Path f = in.evaluationBeside("results.json", "oof.csv");
        CsvTable t = CsvTable.read(f);
        int[] y = java.util.Arrays.stream(t.doubles("y_true")).mapToInt(v -> (int) v).toArray();
        Stats.Roc roc;
        try {
            roc = Stats.roc(y, t.doubles("p_tumor"));
        } catch (IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage());
        }
        XYChart c = ReportCanvas.xy("ROC, out-of-fold", "false positive rate", "true positive rate");
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(1.0);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        XYSeries s = c.addSeries(String.format(Locale.ROOT, "AUROC %.3f", roc.auc()), roc.fpr(), roc.tpr());
        s.setMarker(SeriesMarkers.NONE);
        XYSeries chance = c.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
        chance.setMarker(SeriesMarkers.NONE);
        chance.setLineColor(ChartFiles.REFERENCE);
        return canvas.save("fig4A_binary_roc", BINARY, "fig4A: ROC of the binary task", String.format(Locale.ROOT,
            "ROC of p_tumor over the %d out-of-fold slides (%d corner points drawn); AUROC %.3f. OpenSlideFM's UNI and Virchow "
                + "reference lines are the paper's numbers and are not drawn.", y.length, roc.fpr().length, roc.auc()), c, provenance(t));
    }

    ReportItem fig4cPerCenterKappa() throws IOException, NotAvailable {
        CsvTable t = CsvTable.read(in.evaluation("per_center_kappa.csv"));
        List<String> centers = t.strings("center");
        double[] k = t.doubles("kappa_qw");
        double[] n = t.doubles("n_patients");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < k.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> Double.isNaN(k[i]) ? Double.NEGATIVE_INFINITY : k[i]).reversed());
        List<String> names = new ArrayList<>();
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        for (int i : order) {
            names.add(centers.get(i) + " (n=" + (int) n[i] + ")");
            double v = Double.isNaN(k[i]) ? 0 : k[i];
            pos.add(v >= 0 ? v : 0);
            neg.add(v < 0 ? v : 0);
        }
        double mean = Stats.mean(k);
        CategoryChart c = ReportCanvas.bars("Quadratic-weighted κ per held-out center", "center", "κ (quadratic)");
        c.getStyler().setLegendVisible(true);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        c.addSeries("κ ≥ 0", names, pos).setFillColor(ChartFiles.MAIN);
        c.addSeries("κ < 0", names, neg).setFillColor(ChartFiles.NEGATIVE);
        CategorySeries m = c.addSeries(String.format(Locale.ROOT, "mean of centers %.3f", mean), names, names.stream().map(x -> mean).toList());
        m.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        m.setMarker(SeriesMarkers.NONE);
        m.setLineColor(ChartFiles.REFERENCE);
        return canvas.save("fig4C_per_center_kappa", LOCO, "fig4C: κ per center", "Quadratic-weighted Cohen κ of each "
            + "held-out center (LOCO), sorted; red if negative; grey line: mean of the per-center κ " + ReportCanvas.fmt(mean)
            + " (NB13 labels this \"overall κ\"; the pooled κ is in the best-configuration table).", c, provenance(t));
    }

    ReportItem fig4dTransitions() throws IOException, NotAvailable {
        CsvTable t = CsvTable.read(in.evaluation("transition_matrix_normalized.csv"));
        List<String> cols = t.header().subList(1, t.header().size()).stream()
            .filter(h -> !h.equals(Provenance.STEP_EXECUTION_COLUMN)).toList();
        List<String> rowsNames = t.strings(t.header().getFirst());
        List<Number[]> cells = new ArrayList<>();
        for (String col : cols) {
            double[] v = t.doubles(col);
            for (int r = 0; r < v.length; r++) {
                // XChart's heat map puts y index 0 at the bottom: flip so that the first true class is on top.
                cells.add(new Number[] {cols.indexOf(col), v.length - 1 - r, v[r]});
            }
        }
        List<String> yNames = new ArrayList<>(rowsNames);
        java.util.Collections.reverse(yNames);
        HeatMapChart c = new HeatMapChartBuilder().width(ReportCanvas.WIDTH).height(ReportCanvas.HEIGHT)
            .title("Transitions, row-normalised").xAxisTitle("predicted").yAxisTitle("true").build();
        ChartFiles.style(c);
        c.getStyler().setMin(0);
        c.getStyler().setMax(1);
        c.getStyler().setShowValue(true);
        c.getStyler().setHeatMapValueDecimalPattern("0.00");
        c.getStyler().setRangeColors(new java.awt.Color[] {new java.awt.Color(0xF7FBFF), new java.awt.Color(0x6BAED6), new java.awt.Color(0x08306B)});
        c.getStyler().setValueFontColor(java.awt.Color.BLACK);
        c.addSeries("fraction", cols, yNames, cells);
        return canvas.save("fig4D_transitions", LOCO, "fig4D: transition matrix", "Row-normalised confusion matrix of the "
            + "best configuration's pooled LOCO predictions (rows: true stage, columns: predicted), values to 2 dp.", c, provenance(t));
    }

    ReportItem fig4bPerGrade() throws IOException, NotAvailable {
        CsvTable t = CsvTable.read(in.grade("oof_ensemble.csv"));
        double[] yt = t.doubles("true_isup");
        double[] yp = t.doubles("pred_isup");
        String[] labels = {"0 benign", "1 (3+3)", "2 (3+4)", "3 (4+3)", "4 (4+4, 3+5)", "5 (>4+5)"};
        List<String> names = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        List<Double> r = new ArrayList<>();
        List<Double> f = new ArrayList<>();
        for (int g = 0; g < 6; g++) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < yt.length; i++) {
                boolean isT = (int) yt[i] == g;
                boolean isP = (int) yp[i] == g;
                tp += isT && isP ? 1 : 0;
                fp += !isT && isP ? 1 : 0;
                fn += isT && !isP ? 1 : 0;
            }
            // sklearn's zero_division=0 convention
            double prec = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
            double rec = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
            names.add(labels[g]);
            p.add(prec);
            r.add(rec);
            f.add(prec + rec == 0 ? 0 : 2 * prec * rec / (prec + rec));
        }
        CategoryChart c = ReportCanvas.bars("Per-grade precision, recall, F1", "ISUP grade", "value");
        c.getStyler().setOverlapped(false);
        c.getStyler().setLegendVisible(true);
        c.getStyler().setXAxisLabelRotation(45);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        c.addSeries("precision", names, p);
        c.addSeries("recall", names, r);
        c.addSeries("F1", names, f);
        return canvas.save("fig4B_grade_per_class", GRADE, "fig4B: per-grade precision/recall/F1", "One-vs-rest precision, "
            + "recall and F1 of each ISUP grade from the ensemble's out-of-fold predictions (" + yt.length + " slides).", c, provenance(t));
    }

    /** ROC of the cumulative scores Σ_{k≥t} P_k for ISUP ≥ t (NB12's threshold AUROCs), one curve per threshold. */
    ReportItem gradeThresholdRoc() throws IOException, NotAvailable {
        CsvTable t = CsvTable.read(in.grade("oof_ensemble.csv"));
        double[] yt = t.doubles("true_isup");
        double[][] prob = new double[6][];
        for (int k = 0; k < 6; k++) {
            prob[k] = t.doubles("prob_" + k);
        }
        XYChart c = ReportCanvas.xy("ROC of ISUP ≥ t", "false positive rate", "true positive rate");
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(1.0);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        int drawn = 0;
        StringBuilder caption = new StringBuilder("ROC of ISUP ≥ t against the summed probabilities of grades ≥ t (rows renormalised):");
        for (int th = 1; th <= 5; th++) {
            int[] y = new int[yt.length];
            double[] s = new double[yt.length];
            for (int i = 0; i < yt.length; i++) {
                y[i] = yt[i] >= th ? 1 : 0;
                double total = 0;
                for (int k = 0; k < 6; k++) {
                    total += prob[k][i];
                }
                for (int k = th; k < 6; k++) {
                    s[i] += prob[k][i] / (total == 0 ? 1 : total);
                }
            }
            try {
                Stats.Roc roc = Stats.roc(y, s);
                c.addSeries(String.format(Locale.ROOT, "≥%d AUROC %.3f", th, roc.auc()), roc.fpr(), roc.tpr()).setMarker(SeriesMarkers.NONE);
                caption.append(String.format(Locale.ROOT, " ≥%d: %.3f;", th, roc.auc()));
                drawn++;
            } catch (IllegalArgumentException oneClass) {
                caption.append(" ≥").append(th).append(": undefined (one class);");
            }
        }
        if (drawn == 0) {
            throw new NotAvailable("no ISUP threshold has both classes in grade/oof_ensemble.csv");
        }
        return canvas.save("grade_threshold_roc", GRADE, "ROC curves of ISUP ≥ t", caption.toString(), c, provenance(t));
    }

    ReportItem fig4fCrossProvider() throws IOException, NotAvailable {
        CsvTable t = CsvTable.read(in.grade("metrics_auc_by_provider.csv"));
        List<String> providers = t.strings("provider");
        double[] auc = t.doubles("macro_auroc_ovr");
        CategoryChart c = ReportCanvas.bars("Macro AUROC (one-vs-rest) per data provider", "provider", "macro AUROC");
        c.getStyler().setYAxisMin(0.5);
        c.getStyler().setYAxisMax(1.0);
        List<Double> v = new ArrayList<>();
        for (double a : auc) {
            v.add(nanToZero(a));
        }
        c.addSeries("macro AUROC", providers, v);
        return canvas.save("fig4F_cross_provider", GRADE, "fig4F: AUROC per provider", "Macro one-vs-rest AUROC of the "
            + "out-of-fold grade probabilities within each data provider (NB12); NB13's README calls this \"within-provider κ\".",
            c, provenance(t));
    }

    Provenance provenance(CsvTable t) throws IOException {
        return Provenance.of(t.stepExecutionIds(), Provenance.file(in.root(), t.path()));
    }

    static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static Map<String, String> organSystems() {
        Map<String, String> m = new LinkedHashMap<>();
        String[][] groups = {{"Breast", "BRCA"}, {"Reproductive", "CESC", "OV", "UCEC", "UCS"},
            {"Genitourinary", "PRAD", "KIRC", "KIRP", "KICH", "BLCA", "TGCT"}, {"Respiratory", "LUAD", "LUSC", "MESO"},
            {"Gastrointestinal", "COAD", "READ", "STAD", "ESCA", "LIHC", "CHOL", "PAAD"}, {"Head/Neck", "HNSC"},
            {"Endocrine", "THCA", "ACC", "PCPG"}, {"CNS", "LGG", "GBM"}, {"Skin", "SKCM", "UVM"}, {"Hematologic", "DLBC", "THYM"},
            {"Soft tissue", "SARC"}};
        for (String[] g : groups) {
            for (int i = 1; i < g.length; i++) {
                m.put(g[i], g[0]);
            }
        }
        return Map.copyOf(m);
    }
}
