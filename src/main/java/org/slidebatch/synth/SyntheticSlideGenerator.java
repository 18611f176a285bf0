package org.slidebatch.synth;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes one synthetic slide: a JPEG-tiled pyramid (downsample 4 per level, down to a level whose long
 * side is at most 1,024 px), Aperio-style description with MPP and AppMag when the spec has µm/px.
 */
public final class SyntheticSlideGenerator {

    public static final int TILE_SIZE = 256;
    private static final float JPEG_QUALITY = 0.85f;

    private SyntheticSlideGenerator() {
    }

    public static void write(SyntheticSlideSpec spec, Path target, int threads) throws IOException {
        TissuePainter painter = new TissuePainter(spec);
        List<long[]> levels = new ArrayList<>();
        long w = spec.width();
        long h = spec.height();
        int ds = 1;
        while (true) {
            levels.add(new long[] {w, h, ds});
            if (Math.max(w, h) <= 1024) {
                break;
            }
            ds *= 4;
            w = Math.max(1, (spec.width() + ds - 1) / ds);
            h = Math.max(1, (spec.height() + ds - 1) / ds);
        }
        TiledTiffWriter tiff = new TiledTiffWriter(target);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        boolean ok = false;
        try {
            for (int i = 0; i < levels.size(); i++) {
                long[] lv = levels.get(i);
                List<byte[]> tiles = encodeLevel(painter, lv[0], lv[1], lv[2], pool);
                tiff.writeLevel(lv[0], lv[1], TILE_SIZE, tiles, i == 0 ? description(spec) : null);
            }
            ok = true;
        } finally {
            pool.shutdownNow();
            if (ok) {
                tiff.close();
            } else {
                tiff.abort();
            }
        }
    }

    /** Aperio-style first description; a slide without µm/px gets none, so OpenSlide opens it as generic-tiff. */
    static String description(SyntheticSlideSpec spec) {
        if (spec.mpp() == null) {
            return null;
        }
        return String.format(Locale.ROOT,
            "Aperio Image Library v12.0.15 slidebatch-synthetic\n%dx%d [0,0 %dx%d] (%dx%d) JPEG/RGB Q=85|AppMag = %d|MPP = %.4f|Label = %d|Seed = %d",
            spec.width(), spec.height(), spec.width(), spec.height(), TILE_SIZE, TILE_SIZE,
            spec.appMag(), spec.mpp(), spec.label(), spec.seed());
    }

    private static List<byte[]> encodeLevel(TissuePainter painter, long width, long height, long downsample,
                                            ExecutorService pool) throws IOException {
        int cols = (int) ((width + TILE_SIZE - 1) / TILE_SIZE);
        int rows = (int) ((height + TILE_SIZE - 1) / TILE_SIZE);
        List<Future<byte[][]>> rowsOut = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            final int row = r;
            rowsOut.add(pool.submit(() -> {
                byte[][] out = new byte[cols][];
                int[] pixels = new int[TILE_SIZE * TILE_SIZE];
                BufferedImage tile = new BufferedImage(TILE_SIZE, TILE_SIZE, BufferedImage.TYPE_INT_RGB);
                ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
                try {
                    ImageWriteParam param = writer.getDefaultWriteParam();
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(JPEG_QUALITY);
                    for (int c = 0; c < cols; c++) {
                        painter.paint(pixels, (long) c * TILE_SIZE, (long) row * TILE_SIZE, TILE_SIZE, TILE_SIZE,
                            downsample, width, height);
                        tile.setRGB(0, 0, TILE_SIZE, TILE_SIZE, pixels, 0, TILE_SIZE);
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
                        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
                            writer.setOutput(ios);
                            writer.write(null, new IIOImage(tile, null, null), param);
                        }
                        out[c] = bytes.toByteArray();
                    }
                } finally {
                    writer.dispose();
                }
                return out;
            }));
        }
        List<byte[]> tiles = new ArrayList<>(rows * cols);
        for (Future<byte[][]> f : rowsOut) {
            try {
                for (byte[] t : f.get()) {
                    tiles.add(t);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while generating a slide", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new UncheckedIOException(new IOException("tile generation failed", e.getCause()));
            }
        }
        return tiles;
    }
}
