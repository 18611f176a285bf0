package org.slidebatch.slide;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.synth.SyntheticSlideGenerator;
import org.slidebatch.synth.SyntheticSlideSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Pixels from our FFM binding must match openslide-python's {@code read_region} byte for byte wherever the
 * pixel is opaque. Where OpenSlide returns alpha 0 (outside the scanned area) we must return white.
 */
class OpenSlidePixelParityTest {

    private static final String SCRIPT = """
        import sys, openslide
        slide = openslide.OpenSlide(sys.argv[1])
        out = sys.argv[2]
        for i, spec in enumerate(sys.argv[3:]):
            x, y, level, w, h = (int(v) for v in spec.split(','))
            img = slide.read_region((x, y), level, (w, h))
            assert img.mode == 'RGBA', img.mode
            with open('%s/%d.rgba' % (out, i), 'wb') as f:
                f.write(img.tobytes())
        slide.close()
        """;

    @TempDir
    static Path work;

    @BeforeAll
    static void needsOpenSlideAndPython() {
        TestSlides.assumeOpenSlide();
        TestSlides.assumePythonOpenSlide();
    }

    @Test
    void aperioLevel0Regions() throws Exception {
        assertParity(TestSlides.slide("CMU-1-Small-Region.svs"), List.of(
            new RegionRequest(0, 0, 0, 256, 256),          // tile aligned
            new RegionRequest(1013, 777, 0, 123, 97),      // unaligned, crosses tile seams
            new RegionRequest(239, 241, 0, 300, 33),       // thin strip across several tiles
            new RegionRequest(2100, 2900, 0, 200, 100),    // crosses the right and bottom edges
            new RegionRequest(-10, -17, 0, 40, 40),        // crosses the top-left corner
            new RegionRequest(2219, 2966, 0, 3, 3)));      // last pixel
    }

    @Test
    void genericTiffPyramidLevels() throws Exception {
        assertParity(TestSlides.slide("pyslide_CropBreastSlide.tiff"), List.of(
            new RegionRequest(0, 0, 0, 512, 256),
            new RegionRequest(777, 555, 0, 201, 99),
            new RegionRequest(0, 0, 1, 200, 150),
            new RegionRequest(301, 207, 1, 111, 77),       // level-0 coordinates not on a level-1 pixel
            new RegionRequest(301, 207, 2, 100, 80),
            new RegionRequest(1900, 1400, 3, 40, 40),      // past the edges of level 3
            new RegionRequest(33, 17, 4, 127, 95),
            new RegionRequest(0, 0, 5, 63, 47)));          // all of the smallest level
    }

    @Test
    void smallEdgeFiles() throws Exception {
        assertParity(TestSlides.edge("openslide-python_boxes.tiff"), List.of(
            new RegionRequest(0, 0, 0, 300, 250),
            new RegionRequest(101, 53, 1, 77, 66),
            new RegionRequest(0, 0, 3, 40, 40)));
        assertParity(TestSlides.edge("openslide-python_small.svs"), List.of(
            new RegionRequest(0, 0, 0, 16, 16),
            new RegionRequest(5, 7, 0, 20, 20)));
    }

    @Test
    void syntheticSlides() throws Exception {
        Path aperio = work.resolve("synthetic.svs");
        SyntheticSlideGenerator.write(
            new SyntheticSlideSpec("parity-aperio", 42L, 1500, 1100, 0.5, 20, 1, true, false), aperio, 2);
        assertParity(aperio, List.of(
            new RegionRequest(0, 0, 0, 256, 256),
            new RegionRequest(640, 480, 0, 250, 190),
            new RegionRequest(1400, 1000, 0, 200, 200),
            new RegionRequest(0, 0, 1, 375, 275),
            new RegionRequest(123, 457, 1, 64, 64)));
        Path generic = work.resolve("synthetic.tiff");
        SyntheticSlideGenerator.write(
            new SyntheticSlideSpec("parity-generic", 7L, 1300, 700, null, 40, 0, false, true), generic, 2);
        assertParity(generic, List.of(
            new RegionRequest(300, 200, 0, 333, 222),
            new RegionRequest(0, 0, 1, 325, 175),
            new RegionRequest(1200, 600, 1, 50, 50)));
    }

    /**
     * Real slides rarely give partially transparent pixels, so check the un-premultiply arithmetic directly
     * against openslide-python's own C converter on every alpha value.
     */
    @Test
    void unpremultiplyMatchesOpenSlidePythonConverter() throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1234);
        int n = 256 * 64;
        int[] words = new int[n];
        for (int i = 0; i < n; i++) {
            int a = i % 256;
            int r = a == 0 ? 0 : rnd.nextInt(a + 1);
            int g = a == 0 ? 0 : rnd.nextInt(a + 1);
            int b = a == 0 ? 0 : rnd.nextInt(a + 1);
            if (i % 256 == 255 - (i / 256) % 3) { // a few extremes: channel == alpha
                r = a;
            }
            words[i] = (a << 24) | (r << 16) | (g << 8) | b;
        }
        Path in = work.resolve("argb.bin");
        Path out = work.resolve("rgba.bin");
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(n * 4).order(java.nio.ByteOrder.nativeOrder());
        bb.asIntBuffer().put(words);
        Files.write(in, bb.array());
        TestSlides.runPython(List.of("-c", """
            import ctypes, sys
            from openslide import _convert
            data = open(sys.argv[1], 'rb').read()
            buf = (ctypes.c_uint32 * (len(data) // 4)).from_buffer_copy(data)
            _convert.argb2rgba(buf)
            open(sys.argv[2], 'wb').write(bytes(buf))
            """.stripIndent(), in.toString(), out.toString()), work);
        byte[] rgba = Files.readAllBytes(out);
        byte[] ours;
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment seg = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT, n);
            seg.copyFrom(java.lang.foreign.MemorySegment.ofArray(words));
            ours = OpenSlideReader.argbToRgb(seg, 256, 64).rgb();
        }
        RegionRequest all = new RegionRequest(0, 0, 0, 256, 64);
        int[] counts = comparePixels(Path.of("argb-words"), all, rgba, ours);
        assertThat(counts).containsExactly(64, 64 * 254, 64);
    }

    private static void assertParity(Path slide, List<RegionRequest> regions) throws IOException, InterruptedException {
        Path out = Files.createTempDirectory(work, "parity");
        Path script = work.resolve("read_regions.py");
        if (!Files.exists(script)) {
            Files.writeString(script, SCRIPT.stripIndent(), StandardCharsets.UTF_8);
        }
        List<String> args = new ArrayList<>(List.of(script.toString(), slide.toString(), out.toString()));
        for (RegionRequest r : regions) {
            args.add(r.x() + "," + r.y() + "," + r.level() + "," + r.width() + "," + r.height());
        }
        TestSlides.runPython(args, work);

        try (OpenSlideReader reader = OpenSlideReader.open(slide)) {
            for (int i = 0; i < regions.size(); i++) {
                RegionRequest r = regions.get(i);
                byte[] rgba = Files.readAllBytes(out.resolve(i + ".rgba"));
                assertThat(rgba).as("python RGBA size for %s", r).hasSize(r.width() * r.height() * 4);
                byte[] ours = reader.readRegion(r).rgb();
                int[] counts = comparePixels(slide, r, rgba, ours);
                assertCoverage(slide, reader.level(r.level()), r, counts);
            }
        }
    }

    /** Fails on the first mismatch; returns the counts of {opaque, partially transparent, transparent} pixels. */
    private static int[] comparePixels(Path slide, RegionRequest r, byte[] rgba, byte[] ours) {
        int opaque = 0;
        int transparent = 0;
        int partial = 0;
        int mismatches = 0;
        String first = null;
        for (int p = 0; p < r.width() * r.height(); p++) {
            int a = rgba[p * 4 + 3] & 0xff;
            int pr = rgba[p * 4] & 0xff;
            int pg = rgba[p * 4 + 1] & 0xff;
            int pb = rgba[p * 4 + 2] & 0xff;
            int or = ours[p * 3] & 0xff;
            int og = ours[p * 3 + 1] & 0xff;
            int ob = ours[p * 3 + 2] & 0xff;
            boolean ok;
            if (a == 255) {
                opaque++;
                ok = pr == or && pg == og && pb == ob;
            } else if (a == 0) {
                transparent++;
                ok = or == 255 && og == 255 && ob == 255;
            } else {
                // partially transparent (scaled edges): both sides un-premultiply the same way
                partial++;
                ok = pr == or && pg == og && pb == ob;
            }
            if (!ok) {
                mismatches++;
                if (first == null) {
                    first = String.format("pixel (%d,%d): python rgba=(%d,%d,%d,%d) ours=(%d,%d,%d)",
                        p % r.width(), p / r.width(), pr, pg, pb, a, or, og, ob);
                }
            }
        }
        if (mismatches > 0) {
            fail("%s %s: %d of %d pixels differ from openslide-python; first %s",
                slide.getFileName(), r, mismatches, r.width() * r.height(), first);
        }
        return new int[] {opaque, partial, transparent};
    }

    /** Makes sure both branches were exercised where we expect them to be. */
    private static void assertCoverage(Path slide, LevelInfo level, RegionRequest r, int[] counts) {
        int opaque = counts[0];
        int partial = counts[1];
        int transparent = counts[2];
        double ds = level.downsample();
        long lx = (long) Math.floor(r.x() / ds);
        long ly = (long) Math.floor(r.y() / ds);
        boolean inside = r.x() >= 0 && r.y() >= 0 && lx + r.width() <= level.width() && ly + r.height() <= level.height();
        boolean outside = r.x() < 0 || r.y() < 0 || lx + r.width() > level.width() + 1 || ly + r.height() > level.height() + 1;
        if (inside) {
            assertThat(opaque + partial).as("%s %s: non-transparent pixels", slide.getFileName(), r).isEqualTo(r.width() * r.height());
        }
        if (outside) {
            assertThat(transparent).as("%s %s: transparent pixels", slide.getFileName(), r).isPositive();
            assertThat(opaque).as("%s %s: opaque pixels", slide.getFileName(), r).isPositive();
        }
    }
}
