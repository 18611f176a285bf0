package org.slidebatch.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Where one report's figures go ({@code <report>/figures/}) and at which resolution, plus the chart shapes the
 * figures share. Charts are 560×360 pt; at 300 dpi the PNG is 2333×1500 px.
 */
public record ReportCanvas(Path reportDir, Path workspaceRoot, int dpi) {

    public static final int WIDTH = 560;
    public static final int HEIGHT = 360;

    public ReportItem save(String id, String section, String title, String caption, Chart<?, ?> chart, Provenance p)
        throws IOException {
        String[] names = ChartFiles.save(chart, reportDir.resolve("figures"), id, dpi);
        return ReportItem.figure(id, section, title, caption, List.of("figures/" + names[0], "figures/" + names[1]), p);
    }

    public static CategoryChart bars(String title, String x, String y) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        ChartFiles.style(c);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setAvailableSpaceFill(0.8);
        c.getStyler().setOverlapped(true);
        return c;
    }

    public static XYChart xy(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        ChartFiles.style(c);
        return c;
    }

    /** Equal-width histogram bins: labels (bin centres) and counts per series, all series over the same bins. */
    public record Bins(List<String> labels, List<List<Integer>> counts) {
    }

    public static Bins histogram(List<double[]> series, int bins) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] s : series) {
            for (double v : s) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (!(max > min)) {
            max = min + 1;
        }
        double width = (max - min) / bins;
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < bins; i++) {
            labels.add(String.format(Locale.ROOT, "%.3g", min + width * (i + 0.5)));
        }
        List<List<Integer>> counts = new ArrayList<>();
        for (double[] s : series) {
            int[] c = new int[bins];
            for (double v : s) {
                c[(int) Math.min(bins - 1, Math.floor((v - min) / width))]++;
            }
            List<Integer> l = new ArrayList<>();
            for (int v : c) {
                l.add(v);
            }
            counts.add(l);
        }
        return new Bins(labels, counts);
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }
}
