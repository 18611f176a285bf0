package org.slidebatch.figures;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.slidebatch.workspace.AtomicFiles;

/**
 * The few chart shapes the stages draw (XChart, headless PNG). Locale is fixed so figures are reproducible,
 * and every file is written atomically like any other output.
 */
public final class Charts {

    private Charts() {
    }

    /** A histogram of values in {@code bins} equal-width bins. Empty input draws an empty, labelled chart. */
    public static void histogram(Path png, String title, String xLabel, List<Double> values, int bins) throws IOException {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        if (max <= min) {
            max = min + 1;
        }
        double width = (max - min) / bins;
        List<String> labels = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < bins; i++) {
            labels.add(String.format(Locale.ROOT, "%.3g", min + width * (i + 0.5)));
            counts.add(0);
        }
        for (double v : values) {
            int b = (int) Math.min(bins - 1, Math.floor((v - min) / width));
            counts.set(b, counts.get(b) + 1);
        }
        CategoryChart chart = base(title, xLabel, "slides");
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setAvailableSpaceFill(0.95);
        chart.addSeries("slides", labels, counts);
        save(chart, png);
    }

    /** One bar per key, in the map's order. */
    public static void bars(Path png, String title, String xLabel, String yLabel, Map<String, ? extends Number> bars) throws IOException {
        CategoryChart chart = base(title, xLabel, yLabel);
        chart.getStyler().setXAxisLabelRotation(bars.size() > 6 ? 60 : 0);
        List<String> keys = new ArrayList<>(bars.keySet());
        List<Number> values = new ArrayList<>(bars.values());
        if (keys.isEmpty()) {
            keys.add("(none)");
            values.add(0);
        }
        chart.addSeries(yLabel, keys, values);
        save(chart, png);
    }

    private static CategoryChart base(String title, String xLabel, String yLabel) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(560).title(title)
            .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLocale(Locale.ROOT);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }

    private static void save(Chart<?, ?> chart, Path png) throws IOException {
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
