package org.slidebatch.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.slidebatch.workspace.AtomicFiles;

/**
 * Writes a chart as PNG at print resolution (the chart's point size scaled to {@code dpi}, with the pHYs chunk saying
 * so) and as SVG (XChart's VectorGraphicsEncoder over VectorGraphics2D), both atomically. Every chart gets the
 * report's style first: fixed locale (tick labels must not depend on the machine), white background, NB13 colours.
 */
public final class ChartFiles {

    /** NB13's palette: main, secondary, accent, negative, reference. */
    public static final Color MAIN = new Color(0x2E86AB);
    public static final Color SECONDARY = new Color(0xA23B72);
    public static final Color ACCENT = new Color(0xF18F01);
    public static final Color NEGATIVE = new Color(0xC73E1D);
    public static final Color REFERENCE = new Color(0x999999);
    static final Color[] SERIES = {MAIN, SECONDARY, ACCENT, NEGATIVE, new Color(0x3B1F2B), new Color(0x44BBA4),
        new Color(0x6C757D), new Color(0x8E6C8A)};

    private ChartFiles() {
    }

    public static void style(Chart<?, ?> chart) {
        Styler s = chart.getStyler();
        s.setLocale(Locale.ROOT);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setChartTitleBoxVisible(false);
        s.setLegendBorderColor(Color.WHITE);
        s.setSeriesColors(SERIES);
        s.setChartFontColor(Color.BLACK);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }

    /** {@code base}.png at {@code dpi} and {@code base}.svg; returns the two file names. */
    public static String[] save(Chart<?, ?> chart, Path dir, String base, int dpi) throws IOException {
        Path png = dir.resolve(base + ".png");
        Path svg = dir.resolve(base + ".svg");
        AtomicFiles.write(png, out -> writePng(chart, dpi, out));
        AtomicFiles.write(svg, out -> VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
        return new String[] {png.getFileName().toString(), svg.getFileName().toString()};
    }

    static void writePng(Chart<?, ?> chart, int dpi, java.io.OutputStream out) throws IOException {
        double scale = dpi / 72.0; // the chart's size is in points (1/72 in)
        int w = (int) Math.round(chart.getWidth() * scale);
        int h = (int) Math.round(chart.getHeight() * scale);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.scale(scale, scale);
        chart.paint(g, chart.getWidth(), chart.getHeight());
        g.dispose();
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        ImageWriter writer = writers.next();
        var param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
        double pxPerMetre = dpi / 0.0254;
        IIOMetadataNode phys = new IIOMetadataNode("pHYs");
        phys.setAttribute("pixelsPerUnitXAxis", Integer.toString((int) Math.round(pxPerMetre)));
        phys.setAttribute("pixelsPerUnitYAxis", Integer.toString((int) Math.round(pxPerMetre)));
        phys.setAttribute("unitSpecifier", "meter");
        IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
        root.appendChild(phys);
        meta.mergeTree("javax_imageio_png_1.0", root);
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, meta), param);
        } finally {
            writer.dispose();
        }
    }
}
