package org.slidebatch.slide;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.synth.SyntheticSlideGenerator;
import org.slidebatch.synth.SyntheticSlideSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fast reader's pixels must equal OpenSlide's byte for byte (our OpenSlide binding is itself pinned to
 * openslide-python by {@link OpenSlidePixelParityTest}). Level 0 must be served by our decoder; higher levels
 * by our decoder where OpenSlide's coordinate mapping is whole, by OpenSlide otherwise — equal either way.
 */
class JpegTileReaderParityTest {

    @TempDir
    static Path work;

    @BeforeAll
    static void needsLibraries() {
        TestSlides.assumeOpenSlide();
        assumeTrue(TurboJpeg.isAvailable(), "libturbojpeg.so.0 is not installed (apt-get install libturbojpeg0)");
    }

    @Test
    void aperioSvsWithRgbTiles() {
        Path svs = TestSlides.slide("CMU-1-Small-Region.svs");
        int fast = assertParity(svs, level0Regions(2220, 2967, 240, 11));
        assertThat(fast).isEqualTo(level0Regions(2220, 2967, 240, 11).size());
    }

    @Test
    void genericTiffPyramid() {
        Path tiff = TestSlides.slide("pyslide_CropBreastSlide.tiff");
        try (OpenSlideReader os = OpenSlideReader.open(tiff)) {
            LevelInfo l0 = os.level(0);
            List<RegionRequest> all = new ArrayList<>(level0Regions(l0.width(), l0.height(), 256, 5));
            all.addAll(higherLevelRegions(os));
            int fast = assertParity(tiff, all);
            assertThat(fast).isGreaterThanOrEqualTo(level0Regions(l0.width(), l0.height(), 256, 5).size() + 1);
        }
    }

    @Test
    void edgeFixturesUnderAuto() {
        // deflate tiles: auto gives the slide to OpenSlide and says why; fast refuses it by name
        Path boxes = TestSlides.edge("openslide-python_boxes.tiff");
        ReadStats.Snapshot before = ReadStats.global().snapshot();
        try (SlideReader auto = SlideReaders.open(boxes, ReaderChoice.AUTO)) {
            assertThat(auto.readerName()).isEqualTo("openslide");
        }
        assertThat(ReadStats.global().snapshot().minus(before).openslideSlides()).containsEntry("compression 8 (not JPEG)", 1L);
        assertThatThrownBy(() -> SlideReaders.open(boxes, ReaderChoice.FAST))
            .isInstanceOf(SlideException.class).hasMessageContaining(boxes.toString())
            .hasMessageContaining("fast JPEG tile reader does not apply: compression 8 (not JPEG)");

        Path small = TestSlides.edge("openslide-python_small.svs");
        try (SlideReader auto = SlideReaders.open(small, ReaderChoice.AUTO)) {
            assertThat(auto.readerName()).isEqualTo("fast");
        }
        assertThat(assertParity(small, List.of(new RegionRequest(0, 0, 0, 16, 16), new RegionRequest(5, 7, 0, 20, 20),
            new RegionRequest(-3, -3, 0, 30, 30)))).isEqualTo(3);

        // a damaged JPEG stream in a real file: our decoder refuses it, OpenSlide's error reaches the caller
        Path unreadable = TestSlides.edge("openslide-python_unreadable.svs");
        try (JpegTileReader fast = JpegTileReader.open(unreadable)) {
            assertThatThrownBy(() -> fast.readRegion(RegionRequest.square(0, 0, 0, 16)))
                .isInstanceOf(SlideException.class).hasMessageContaining(unreadable.toString())
                .hasMessageContaining("Bogus marker length");
            assertThat(fast.stats().snapshot().fastReads()).isZero();
            assertThat(fast.stats().snapshot().fallbackReadCount()).isEqualTo(1);
        }

        for (String name : List.of("openslide-python_unopenable.tiff", "openslide-python_boxes_0.dcm")) {
            Path p = TestSlides.edge(name);
            String openslideError = null;
            try {
                OpenSlideReader.open(p).close();
            } catch (SlideException e) {
                openslideError = e.getMessage();
            }
            assertThat(openslideError).as(name).isNotNull();
            for (ReaderChoice c : ReaderChoice.values()) {
                assertThatThrownBy(() -> SlideReaders.open(p, c)).as("%s %s", name, c)
                    .isInstanceOf(SlideException.class).hasMessage(openslideError);
            }
        }
    }

    @Test
    void syntheticSlidesFromOurWriter() throws Exception {
        Path aperio = work.resolve("synthetic.svs");
        SyntheticSlideGenerator.write(
            new SyntheticSlideSpec("fast-aperio", 42L, 1500, 1100, 0.5, 20, 1, true, false), aperio, 2);
        Path generic = work.resolve("synthetic.tiff");
        SyntheticSlideGenerator.write(
            new SyntheticSlideSpec("fast-generic", 7L, 1300, 700, null, 40, 0, false, true), generic, 2);
        for (Path p : List.of(aperio, generic)) {
            try (OpenSlideReader os = OpenSlideReader.open(p)) {
                List<RegionRequest> l0 = level0Regions(os.width(), os.height(), SyntheticSlideGenerator.TILE_SIZE, 17);
                List<RegionRequest> all = new ArrayList<>(l0);
                all.addAll(higherLevelRegions(os));
                int fast = assertParity(p, all);
                assertThat(fast).as("fast reads on %s", p.getFileName()).isGreaterThan(l0.size());
            }
        }
    }

    @Test
    void ycbcr444FromOurWriter() throws Exception {
        Path p = work.resolve("ycc444.tiff");
        org.slidebatch.synth.Chroma444Pyramid.write(p, 700, 530, 128, 4L);
        try (TiffFile t = TiffFile.open(p)) {
            assertThat(t.directories().getFirst().photometric()).isEqualTo(TiffFile.PHOTOMETRIC_YCBCR);
            long off = t.directories().getFirst().tileOffsets()[0];
            byte[] head = new byte[4096];
            java.lang.foreign.MemorySegment.copy(t.data(), java.lang.foreign.ValueLayout.JAVA_BYTE, off, head, 0, head.length);
            String hex = java.util.HexFormat.of().formatHex(head);
            // SOF0 with three components sampled 1×1 (0x11): really 4:4:4
            assertThat(hex).containsPattern("ffc0001108[0-9a-f]{8}03011100021101031101");
        }
        try (OpenSlideReader os = OpenSlideReader.open(p)) {
            List<RegionRequest> l0 = level0Regions(os.width(), os.height(), 128, 44);
            List<RegionRequest> all = new ArrayList<>(l0);
            all.addAll(higherLevelRegions(os));
            assertThat(assertParity(p, all)).isGreaterThanOrEqualTo(l0.size());
        }
    }

    @Test
    void vipsPyramidsYcbcr420AndRgb444ClassicAndBig() throws Exception {
        record Case(String name, int w, int h, int q, int tile, boolean big) {
        }
        for (Case c : List.of(
                new Case("ycc420", 1024, 768, 80, 256, false),      // aligned: whole tiles at level 0
                new Case("ycc420-big", 1111, 999, 75, 256, true),   // unaligned edges, BigTIFF
                new Case("rgb444-big", 1000, 777, 95, 240, true),   // RGB 4:4:4, 240 px tiles, BigTIFF
                new Case("rgb444", 700, 1300, 92, 128, false))) {
            Path p = VipsSlides.pyramid(work, c.name(), c.w(), c.h(), c.q(), c.tile(), c.big());
            try (OpenSlideReader os = OpenSlideReader.open(p)) {
                List<RegionRequest> l0 = level0Regions(os.width(), os.height(), c.tile(), c.q());
                List<RegionRequest> all = new ArrayList<>(l0);
                all.addAll(higherLevelRegions(os));
                int fast = assertParity(p, all);
                assertThat(fast).as("fast reads on %s", c.name()).isGreaterThanOrEqualTo(l0.size());
            }
            try (TiffFile t = TiffFile.open(p)) {
                assertThat(t.bigTiff()).as("%s BigTIFF", c.name()).isEqualTo(c.big());
                assertThat(t.directories().getFirst().photometric()).as("%s photometric", c.name())
                    .isEqualTo(c.q() >= 90 ? TiffFile.PHOTOMETRIC_RGB : TiffFile.PHOTOMETRIC_YCBCR);
                assertThat(t.directories().getFirst().jpegTablesOffset()).as("%s has JPEGTables", c.name()).isPositive();
            }
        }
    }

    /** Aligned, unaligned, seams, edges, corners, outside, and seeded random regions at level 0. */
    static List<RegionRequest> level0Regions(long w, long h, int tile, long seed) {
        List<RegionRequest> out = new ArrayList<>(List.of(
            new RegionRequest(0, 0, 0, tile, tile),                       // one whole tile
            new RegionRequest(tile, tile, 0, 2 * tile, tile),             // two whole tiles
            new RegionRequest(13, 7, 0, 301, 211),                        // unaligned across seams
            new RegionRequest(w - 100, h - 50, 0, 200, 120),              // past the right and bottom edges
            new RegionRequest(-10, -17, 0, 40, 40),                       // past the top-left corner
            new RegionRequest(w - 1, h - 1, 0, 3, 3),                     // last pixel
            new RegionRequest(w + 10, 5, 0, 16, 16),                      // wholly outside
            new RegionRequest(0, h / 2, 0, (int) Math.min(w, 4500), 7))); // wide strip, OpenSlide paints it in pieces
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 12; i++) {
            int rw = 1 + rnd.nextInt(Math.min(600, (int) w));
            int rh = 1 + rnd.nextInt(Math.min(600, (int) h));
            out.add(new RegionRequest(rnd.nextLong(-50, w), rnd.nextLong(-50, h), 0, rw, rh));
        }
        return out;
    }

    /** Per higher level: its origin (whole), a point on whole level pixels where the downsample allows, and one off them. */
    static List<RegionRequest> higherLevelRegions(SlideReader os) {
        List<RegionRequest> out = new ArrayList<>();
        for (int l = 1; l < os.levelCount(); l++) {
            LevelInfo lv = os.level(l);
            int rw = (int) Math.min(lv.width() + 7, 300);
            int rh = (int) Math.min(lv.height() + 5, 200);
            out.add(new RegionRequest(0, 0, l, rw, rh));
            long k = Math.max(1, lv.width() / 3);
            out.add(new RegionRequest((long) (k * lv.downsample()), (long) (k * lv.downsample()), l, 90, 70));
            out.add(new RegionRequest(301, 207, l, 111, 77));
        }
        return out;
    }

    /** Compares every region; returns how many the fast reader served itself. */
    static int assertParity(Path slide, List<RegionRequest> regions) {
        try (OpenSlideReader os = OpenSlideReader.open(slide); JpegTileReader fast = JpegTileReader.open(slide)) {
            assertThat(fast.levels()).isEqualTo(os.levels());
            assertThat(fast.properties()).isEqualTo(os.properties());
            assertThat(fast.calibration()).isEqualTo(os.calibration());
            assertThat(fast.vendor()).isEqualTo(os.vendor());
            assertThat(fast.associatedImageNames()).isEqualTo(os.associatedImageNames());
            for (RegionRequest r : regions) {
                byte[] want = os.readRegion(r).rgb();
                byte[] got = fast.readRegion(r).rgb();
                // twice: the second read comes from the tile cache
                byte[] again = fast.readRegion(r).rgb();
                compare(slide, r, want, got);
                compare(slide, r, want, again);
            }
            ReadStats.Snapshot s = fast.stats().snapshot();
            assertThat(s.fastReads() + s.fallbackReadCount()).isEqualTo(2L * regions.size());
            return (int) (s.fastReads() / 2);
        }
    }

    static void compare(Path slide, RegionRequest r, byte[] want, byte[] got) {
        assertThat(got).hasSize(want.length);
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                mismatches++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (mismatches > 0) {
            int px = first / 3;
            fail("%s %s: %d bytes differ from OpenSlide; first at pixel (%d,%d) channel %d: openslide %d, fast %d",
                slide.getFileName(), r, mismatches, px % r.width(), px / r.width(), first % 3, want[first] & 0xff,
                got[first] & 0xff);
        }
    }
}
