package org.slidebatch.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slidebatch.model.Npy;
import org.slidebatch.store.ReportStore;
import org.slidebatch.store.ReportStore.PassportRow;
import org.slidebatch.store.ReportStore.QcPoint;
import org.slidebatch.store.ReportStore.SlideRow;
import org.slidebatch.store.ReportStore.TokenRow;
import org.slidebatch.store.ReportStore.TrainingLogRow;

/** The pipeline's own figures, drawn from the database (and the slide embeddings for the embedding map). */
public final class PipelineFigures {

    static final String SECTION = "Pipeline";

    private final ReportStore store;
    private final ReportCanvas canvas;

    public PipelineFigures(ReportStore store, ReportCanvas canvas) {
        this.store = store;
        this.canvas = canvas;
    }

    ReportItem slidesByStatus() throws IOException, NotAvailable {
        List<SlideRow> slides = slides();
        Map<String, Integer> counts = new TreeMap<>();
        slides.forEach(s -> counts.merge(s.status(), 1, Integer::sum));
        CategoryChart c = ReportCanvas.bars("Slides per manifest status", "status", "slides");
        c.addSeries("slides", new ArrayList<>(counts.keySet()), new ArrayList<>(counts.values()));
        return canvas.save("slides_by_status", SECTION, "Slides per status",
            "Slides of the manifest by status (" + slides.size() + " slides): " + counts + ".", c, slideProvenance(slides));
    }

    ReportItem mppAvailability() throws IOException, NotAvailable {
        List<SlideRow> slides = slides();
        Map<String, Integer> counts = new TreeMap<>();
        for (SlideRow s : slides) {
            counts.merge(s.mppX() == null ? "missing" : "from " + Objects.requireNonNullElse(s.mppSource(), "unknown"), 1, Integer::sum);
        }
        CategoryChart c = ReportCanvas.bars("µm/px availability", "source of the pixel size", "slides");
        c.addSeries("slides", new ArrayList<>(counts.keySet()), new ArrayList<>(counts.values()));
        return canvas.save("mpp_availability", SECTION, "µm/px availability",
            "Where each slide's pixel size (µm/px) came from, or missing: " + counts + ".", c, slideProvenance(slides));
    }

    ReportItem tissuePercent() throws IOException, NotAvailable {
        List<QcPoint> qc = qc();
        double[] v = qc.stream().mapToDouble(QcPoint::tissuePct).toArray();
        return histogram("qc_tissue_pct", "Tissue fraction per slide (QC thumbnail)", "tissue_pct (fraction of thumbnail)",
            List.of("slides"), List.of(v), "Tissue fraction of each slide's QC thumbnail (OpenSlideFM NB03), "
                + qc.size() + " slides; mean " + ReportCanvas.fmt(Stats.mean(v)) + ".", qcProvenance(qc));
    }

    ReportItem blur() throws IOException, NotAvailable {
        List<QcPoint> qc = qc();
        double[] v = qc.stream().mapToDouble(p -> Math.log10(1 + p.blurVar())).toArray();
        return histogram("qc_blur", "Sharpness per slide (variance of the Laplacian)", "log10(1 + blur_var)", List.of("slides"),
            List.of(v), "Variance of the Laplacian of each QC thumbnail on a log scale (low = blurred), " + qc.size() + " slides.",
            qcProvenance(qc));
    }

    ReportItem tokensPerSlide() throws IOException, NotAvailable {
        List<TokenRow> rows = store.tokens();
        if (rows.isEmpty()) {
            throw new NotAvailable("no tile_summary rows (run the tile job)");
        }
        Map<Double, List<Double>> byScale = new TreeMap<>();
        rows.forEach(r -> byScale.computeIfAbsent(r.scale(), k -> new ArrayList<>()).add((double) r.tiles()));
        List<String> names = new ArrayList<>();
        List<double[]> series = new ArrayList<>();
        byScale.forEach((scale, v) -> {
            names.add(scale + " µm/px");
            series.add(v.stream().mapToDouble(Double::doubleValue).toArray());
        });
        List<Long> jobs = rows.stream().map(TokenRow::jobExecutionId).filter(Objects::nonNull).distinct().toList();
        Provenance p = Provenance.of(store.stepExecutionsOf(jobs, "tile"), Provenance.rows("tile_summary", rows));
        return histogram("tokens_per_slide", "Tokens per slide and scale", "tokens (tiles) per slide", names, series,
            "Token tiles per slide at each scale (OpenSlideFM NB04 budget), " + rows.size() + " slide×scale rows.", p);
    }

    ReportItem throughputByStep() throws IOException, NotAvailable {
        List<PassportRow> passports = store.passports().stream().filter(p -> p.wallSeconds() > 0 && p.itemsOut() > 0).toList();
        if (passports.isEmpty()) {
            throw new NotAvailable("no compute_passport rows with items written");
        }
        Map<String, List<PassportRow>> byStep = new TreeMap<>();
        passports.forEach(p -> byStep.computeIfAbsent(p.stepName(), k -> new ArrayList<>()).add(p));
        XYChart c = ReportCanvas.xy("Throughput per step across runs", "job execution id", "items written per second");
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        c.getStyler().setYAxisLogarithmic(true);
        for (var e : byStep.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(PassportRow::jobExecutionId).toArray();
            double[] y = e.getValue().stream().mapToDouble(PassportRow::throughputPerSecond).toArray();
            XYSeries s = c.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        Provenance p = Provenance.of(passports.stream().map(PassportRow::stepExecutionId).toList(),
            Provenance.rows("compute_passport", passports));
        return canvas.save("throughput_by_step", SECTION, "Throughput per step across runs",
            "Items written per second of wall time, from each step execution's compute passport (" + passports.size()
                + " step executions).", c, p);
    }

    ReportItem trainingLoss() throws IOException, NotAvailable {
        List<TrainingLogRow> log = store.trainingLog().orElseThrow(() -> new NotAvailable("no training_log table (pretraining has not run in this database)"));
        if (log.isEmpty()) {
            throw new NotAvailable("training_log is empty");
        }
        XYChart c = ReportCanvas.xy("Pretraining loss", "optimizer step (in log order)", "loss");
        c.getStyler().setMarkerSize(3);
        Map<String, double[][]> series = new LinkedHashMap<>();
        List<double[]> total = new ArrayList<>();
        List<double[]> byol = new ArrayList<>();
        List<double[]> mfr = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            TrainingLogRow r = log.get(i);
            total.add(new double[] {i, r.loss()});
            if (r.lossByol() != null) {
                byol.add(new double[] {i, r.lossByol()});
            }
            if (r.lossMfr() != null) {
                mfr.add(new double[] {i, r.lossMfr()});
            }
        }
        series.put("loss", toXy(total));
        series.put("loss_byol", toXy(byol));
        series.put("loss_mfr", toXy(mfr));
        series.forEach((name, xy) -> {
            if (xy[0].length > 0) {
                c.addSeries(name, xy[0], xy[1]).setMarker(SeriesMarkers.NONE);
            }
        });
        Provenance p = Provenance.of(log.stream().map(TrainingLogRow::stepExecutionId).toList(), Provenance.rows("training_log", log));
        return canvas.save("training_loss", SECTION, "Training loss curves", "BYOL + masked-feature-reconstruction loss per logged "
            + "step of the pretraining (" + log.size() + " log rows, last loss " + ReportCanvas.fmt(log.getLast().loss()) + ").", c, p);
    }

    /** Slide embeddings on their first two principal components, coloured by cancer code (NB13 suppfig1 uses UMAP). */
    ReportItem embeddingMap(ReportInputs inputs, String tag) throws IOException, NotAvailable {
        List<Path> files = inputs.embeddings(tag);
        if (files.size() < 3) {
            throw new NotAvailable("fewer than 3 slide embeddings in " + inputs.root().relativize(files.getFirst().getParent()));
        }
        Map<String, String> cancer = new LinkedHashMap<>();
        List<SlideRow> slides = store.slides();
        slides.forEach(s -> cancer.put(s.slideId(), s.cancerCode()));
        double[][] x = new double[files.size()][];
        List<String> ids = new ArrayList<>();
        List<Provenance.Input> in = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            float[] v = Npy.read(files.get(i));
            if (v.length != 768) {
                throw new IOException(files.get(i) + ": " + v.length + " values, a slide embedding has 768");
            }
            x[i] = new double[v.length];
            for (int j = 0; j < v.length; j++) {
                x[i][j] = v[j];
            }
            String name = files.get(i).getFileName().toString();
            ids.add(name.substring(0, name.length() - ".npy".length()));
            in.add(Provenance.file(inputs.root(), files.get(i)));
        }
        double[][] pc = Stats.pca2(x);
        Map<String, List<double[]>> groups = new TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            String g = Objects.requireNonNullElse(cancer.get(ids.get(i)), "unlabelled");
            groups.computeIfAbsent(g, k -> new ArrayList<>()).add(pc[i]);
        }
        XYChart c = ReportCanvas.xy("Slide embeddings (PCA)", "PC1", "PC2");
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        groups.forEach((g, pts) -> c.addSeries(g, toXy(pts)[0], toXy(pts)[1]));
        List<Long> ids2 = slides.stream().map(SlideRow::stepExecutionId).filter(Objects::nonNull).distinct().toList();
        Provenance p = new Provenance(ids2, in);
        String tagName = files.getFirst().getParent().getFileName().toString();
        return canvas.save("embedding_map", SECTION, "Embedding map (PCA)", "The " + files.size() + " slide embeddings of "
            + "embeddings/" + tagName + "/ projected on their first two principal components (PCA, not UMAP: no maintained "
            + "permissively licensed UMAP is on Maven Central), coloured by the manifest's cancer code.", c, p);
    }

    private ReportItem histogram(String id, String title, String xLabel, List<String> names, List<double[]> series,
                                 String caption, Provenance p) throws IOException {
        ReportCanvas.Bins bins = ReportCanvas.histogram(series, 20);
        CategoryChart c = ReportCanvas.bars(title, xLabel, "slides");
        c.getStyler().setXAxisLabelRotation(60);
        c.getStyler().setAvailableSpaceFill(0.95);
        c.getStyler().setLegendVisible(names.size() > 1);
        for (int i = 0; i < names.size(); i++) {
            c.addSeries(names.get(i), bins.labels(), bins.counts().get(i));
        }
        return canvas.save(id, SECTION, title, caption, c, p);
    }

    private List<SlideRow> slides() throws NotAvailable {
        List<SlideRow> slides = store.slides();
        if (slides.isEmpty()) {
            throw new NotAvailable("no slide rows (run the manifest job)");
        }
        return slides;
    }

    private Provenance slideProvenance(List<SlideRow> slides) {
        return Provenance.of(slides.stream().map(SlideRow::stepExecutionId).filter(Objects::nonNull).toList(),
            Provenance.rows("slide", slides));
    }

    private List<QcPoint> qc() throws NotAvailable {
        List<QcPoint> qc = store.qc();
        if (qc.isEmpty()) {
            throw new NotAvailable("no qc_metrics rows (run the qc job)");
        }
        return qc;
    }

    private Provenance qcProvenance(List<QcPoint> qc) {
        List<Long> jobs = qc.stream().map(QcPoint::jobExecutionId).filter(Objects::nonNull).distinct().toList();
        return Provenance.of(store.stepExecutionsOf(jobs, "qc"), Provenance.rows("qc_metrics", qc));
    }

    static double[][] toXy(List<double[]> pts) {
        double[][] out = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            out[0][i] = pts.get(i)[0];
            out[1][i] = pts.get(i)[1];
        }
        return out;
    }
}
