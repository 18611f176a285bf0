package org.slidebatch.slide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * JPEG-tiled pyramids written by libvips ({@code vips tiffsave}, Debian libvips-tools) from the shared test slide:
 * the writer most real-world generic TIFF pyramids come from, with JPEGTables and abbreviated tile streams.
 * vips 8.14 writes Q &lt; 90 as YCbCr 4:2:0 and Q ≥ 90 as RGB 4:4:4. Tests skip when vips is absent.
 */
public final class VipsSlides {

    private static Boolean present;

    private VipsSlides() {
    }

    public static synchronized void assumeVips() {
        if (present == null) {
            boolean ok;
            try {
                ok = run(List.of("vips", "--version"), Path.of(System.getProperty("java.io.tmpdir")));
            } catch (IOException e) {
                ok = false;
            }
            present = ok;
        }
        assumeTrue(present, "vips not installed (apt-get install libvips-tools): vips-made pyramids skipped");
    }

    /**
     * A {@code width}×{@code height} RGB crop of CMU-1-Small-Region.svs saved as a tiled pyramid.
     * @param quality JPEG Q: below 90 gives YCbCr 4:2:0, from 90 RGB 4:4:4
     */
    public static Path pyramid(Path dir, String name, int width, int height, int quality, int tile, boolean bigTiff)
            throws IOException {
        assumeVips();
        Path source = TestSlides.slide("CMU-1-Small-Region.svs");
        Path rgba = dir.resolve(name + "-crop.v");
        Path rgb = dir.resolve(name + "-rgb.v");
        Path out = dir.resolve(name + ".tiff");
        exec(List.of("vips", "crop", source.toString(), rgba.toString(), "0", "0", "" + width, "" + height), dir);
        exec(List.of("vips", "extract_band", rgba.toString(), rgb.toString(), "0", "--n", "3"), dir);
        List<String> save = new ArrayList<>(List.of("vips", "tiffsave", rgb.toString(), out.toString(), "--tile", "--pyramid",
            "--compression", "jpeg", "--Q", "" + quality, "--tile-width", "" + tile, "--tile-height", "" + tile));
        if (bigTiff) {
            save.add("--bigtiff");
        }
        exec(save, dir);
        Files.deleteIfExists(rgba);
        Files.deleteIfExists(rgb);
        return out;
    }

    private static void exec(List<String> cmd, Path dir) throws IOException {
        if (!run(cmd, dir)) {
            throw new IOException("failed: " + String.join(" ", cmd));
        }
    }

    private static boolean run(List<String> cmd, Path dir) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return p.exitValue() == 0;
    }
}
