package org.slidebatch.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/**
 * Files a scanner room produces that the pipeline must record with a reason and go past: made by the tests, never
 * shipped. Each method writes one kind of bad input.
 */
public final class BadInputCorpus {

    private BadInputCorpus() {
    }

    /** {@code n} distinct small generated slides (.svs with µm/px; .tiff without), sorted by path. */
    public static List<Path> sources(Path dir, int n, long seed) throws IOException {
        SyntheticCohort.write(dir, new SyntheticCohort.Options(n, seed, 512, 768, 2), null);
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".svs") || p.toString().endsWith(".tiff")).sorted().toList();
        }
    }

    /** The first {@code percent}% of {@code source}'s bytes: a copy cut short (an interrupted transfer). */
    public static Path truncated(Path source, Path target, int percent) throws IOException {
        byte[] all = Files.readAllBytes(source);
        return Files.write(target, java.util.Arrays.copyOf(all, all.length * percent / 100));
    }

    /**
     * A single-level JPEG-tiled TIFF of {@code width} × {@code height} px with µm/px (an Aperio description): every
     * tile is the same small JPEG, so a level 0 past CLAM's 1e8-pixel segmentation limit costs a few MB.
     */
    public static Path singleLevel(Path target, int width, int height, double mpp) throws IOException {
        int tile = SyntheticSlideGenerator.TILE_SIZE;
        BufferedImage img = new BufferedImage(tile, tile, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(236, 232, 240));
        g.fillRect(0, 0, tile, tile);
        g.setColor(new Color(180, 90, 160));
        g.fillOval(64, 64, 128, 128);
        g.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpeg);
        int cols = (width + tile - 1) / tile;
        int rows = (height + tile - 1) / tile;
        List<byte[]> tiles = new ArrayList<>(Collections.nCopies(cols * rows, jpeg.toByteArray()));
        TiledTiffWriter w = new TiledTiffWriter(target);
        w.writeLevel(width, height, tile, tiles, String.format(java.util.Locale.ROOT,
            "Aperio Image Library v12.0.15 slidebatch-corpus\n%dx%d [0,0 %dx%d] (%dx%d) JPEG/RGB Q=85|AppMag = 40|MPP = %.4f",
            width, height, width, height, tile, tile, mpp));
        w.close();
        return target;
    }
}
