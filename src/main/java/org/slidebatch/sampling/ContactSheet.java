package org.slidebatch.sampling;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import org.slidebatch.workspace.AtomicFiles;

/**
 * A PNG showing what a model will see: one panel per streamed patch, {@code columns} panels per row, each labelled
 * with the slide id and level-0 position. Single-image results show the image; multi-view results show every view
 * at its own size, in order, wrapping within the panel. Normalised tensors are de-normalised for display.
 */
public final class ContactSheet {

    private static final int GAP = 4;
    private static final int LABEL = 16;
    private static final int MAX_IMAGE = 256;

    private ContactSheet() {
    }

    public static void write(Path png, List<PatchResult> results, int columns) throws IOException {
        BufferedImage sheet = render(results, columns);
        AtomicFiles.writeVia(png, tmp -> {
            if (!ImageIO.write(sheet, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    public static BufferedImage render(List<PatchResult> results, int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be >= 1, got " + columns);
        }
        if (results.isEmpty()) {
            BufferedImage empty = new BufferedImage(200, LABEL + 8, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = empty.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, empty.getWidth(), empty.getHeight());
            g.setColor(Color.BLACK);
            g.drawString("no patches", 4, LABEL);
            g.dispose();
            return empty;
        }
        int panelW = 0;
        int panelH = 0;
        for (PatchResult r : results) {
            int[] size = panelSize(r);
            panelW = Math.max(panelW, size[0]);
            panelH = Math.max(panelH, size[1]);
        }
        int cols = Math.min(columns, results.size());
        int rows = (results.size() + cols - 1) / cols;
        int cellW = panelW + 2 * GAP;
        int cellH = panelH + LABEL + 2 * GAP;
        BufferedImage sheet = new BufferedImage(cols * cellW, rows * cellH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(new Color(40, 40, 40));
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < results.size(); i++) {
            PatchResult r = results.get(i);
            int ox = (i % cols) * cellW + GAP;
            int oy = (i / cols) * cellH + GAP;
            g.setColor(Color.WHITE);
            g.drawString(label(r), ox, oy + LABEL - 4);
            drawPanel(g, r, ox, oy + LABEL, panelW);
        }
        g.dispose();
        return sheet;
    }

    private static String label(PatchResult r) {
        return String.format(Locale.ROOT, "%s (%d, %d) L%d%s", r.slideId(), r.x0(), r.y0(), r.level(),
            r.mpp() == null ? "" : String.format(Locale.ROOT, " %.2f µm/px", r.mpp()));
    }

    /** Width and height of a panel: the image scaled to ≤ 256 px, or the views laid out in rows ≤ 2 × 224 wide. */
    private static int[] panelSize(PatchResult r) {
        if (r.image() != null) {
            int[] s = scaled(r.image().width(), r.image().height());
            return new int[] {s[0], s[1]};
        }
        int limit = viewRowLimit(r);
        int x = 0;
        int y = 0;
        int rowH = 0;
        int maxW = 0;
        for (PatchPixels p : r.views().values()) {
            int[] s = scaled(p.width(), p.height());
            if (x > 0 && x + s[0] > limit) {
                y += rowH + GAP;
                x = 0;
                rowH = 0;
            }
            x += s[0] + GAP;
            rowH = Math.max(rowH, s[1]);
            maxW = Math.max(maxW, x - GAP);
        }
        return new int[] {maxW, y + rowH};
    }

    private static int viewRowLimit(PatchResult r) {
        int widest = 0;
        for (PatchPixels p : r.views().values()) {
            widest = Math.max(widest, scaled(p.width(), p.height())[0]);
        }
        return Math.max(widest * 2 + GAP, 4 * 98 + 3 * GAP);
    }

    private static void drawPanel(Graphics2D g, PatchResult r, int ox, int oy, int panelW) {
        if (r.image() != null) {
            int[] s = scaled(r.image().width(), r.image().height());
            g.drawImage(r.image().displayRgb().toBufferedImage(), ox, oy, s[0], s[1], null);
            return;
        }
        int limit = viewRowLimit(r);
        int x = 0;
        int y = 0;
        int rowH = 0;
        g.setStroke(new BasicStroke(1f));
        for (Map.Entry<String, PatchPixels> v : r.views().entrySet()) {
            PatchPixels p = v.getValue();
            int[] s = scaled(p.width(), p.height());
            if (x > 0 && x + s[0] > limit) {
                y += rowH + GAP;
                x = 0;
                rowH = 0;
            }
            g.drawImage(p.displayRgb().toBufferedImage(), ox + x, oy + y, s[0], s[1], null);
            g.setColor(new Color(255, 255, 255, 200));
            g.drawString(v.getKey(), ox + x + 2, oy + y + 11);
            x += s[0] + GAP;
            rowH = Math.max(rowH, s[1]);
        }
    }

    private static int[] scaled(int w, int h) {
        double f = Math.min(1.0, (double) MAX_IMAGE / Math.max(w, h));
        return new int[] {Math.max(1, (int) Math.round(w * f)), Math.max(1, (int) Math.round(h * f))};
    }
}
