package org.slidebatch.slide;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OpenSlideReaderTest {

    private static final String CMU = "CMU-1-Small-Region.svs";
    private static final String PYSLIDE = "pyslide_CropBreastSlide.tiff";

    @BeforeAll
    static void needsOpenSlide() {
        TestSlides.assumeOpenSlide();
    }

    @Test
    void libraryVersionIs341() {
        assertThat(OpenSlideReader.libraryVersion()).isEqualTo("3.4.1");
    }

    @Test
    void aperioSmallRegionMetadata() {
        Path path = TestSlides.slide(CMU);
        try (OpenSlideReader r = OpenSlideReader.open(path)) {
            assertThat(r.path()).isEqualTo(path);
            assertThat(r.readerName()).isEqualTo("openslide");
            assertThat(r.vendor()).isEqualTo("aperio");
            assertThat(r.levelCount()).isEqualTo(1);
            assertThat(r.width()).isEqualTo(2220);
            assertThat(r.height()).isEqualTo(2967);
            assertThat(r.level(0)).isEqualTo(new LevelInfo(0, 2220, 2967, 1.0));
            assertThat(r.properties()).containsEntry("openslide.vendor", "aperio");

            PixelCalibration cal = r.calibration();
            assertThat(cal.isKnown()).isTrue();
            assertThat(cal.source()).isEqualTo("openslide.mpp-x");
            assertThat(cal.mppX()).isCloseTo(0.499, within(1e-9));
            assertThat(cal.mppY()).isCloseTo(0.499, within(1e-9));
            assertThat(cal.mpp()).isCloseTo(0.499, within(1e-9));
        }
    }

    @Test
    void aperioAssociatedImages() {
        try (OpenSlideReader r = OpenSlideReader.open(TestSlides.slide(CMU))) {
            assertThat(r.associatedImageNames()).contains("label", "macro", "thumbnail");
            for (String name : List.of("label", "macro", "thumbnail")) {
                BufferedImage img = r.readAssociatedImage(name);
                assertThat(img.getWidth()).as(name).isPositive();
                assertThat(img.getHeight()).as(name).isPositive();
                assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
            }
            // thumbnail is a downscaled copy of the slide: same orientation as level 0
            BufferedImage thumb = r.readAssociatedImage("thumbnail");
            assertThat(thumb.getHeight()).isGreaterThan(thumb.getWidth());
            assertThatThrownBy(() -> r.readAssociatedImage("no-such-image"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-image");
        }
    }

    @Test
    void genericTiffPyramidWithoutCalibration() {
        try (OpenSlideReader r = OpenSlideReader.open(TestSlides.slide(PYSLIDE))) {
            assertThat(r.vendor()).isEqualTo("generic-tiff");
            assertThat(r.levelCount()).isEqualTo(6);
            assertThat(r.width()).isEqualTo(2033);
            assertThat(r.height()).isEqualTo(1525);
            assertThat(r.associatedImageNames()).isEmpty();
            List<LevelInfo> levels = r.levels();
            for (int i = 0; i < levels.size(); i++) {
                assertThat(levels.get(i).level()).isEqualTo(i);
                if (i > 0) {
                    assertThat(levels.get(i).downsample()).isGreaterThan(levels.get(i - 1).downsample());
                    assertThat(levels.get(i).width()).isLessThan(levels.get(i - 1).width());
                }
            }
            assertThat(levels.get(0).downsample()).isEqualTo(1.0);
            // 96 dpi in the TIFF header is a screen default, not a calibration
            PixelCalibration cal = r.calibration();
            assertThat(cal.isKnown()).isFalse();
            assertThat(cal.source()).isEqualTo("missing");
            assertThatThrownBy(cal::mpp).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> r.level(6)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> r.readRegion(new RegionRequest(0, 0, 6, 4, 4)))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void bestLevelForDownsample() {
        try (OpenSlideReader r = OpenSlideReader.open(TestSlides.slide(PYSLIDE))) {
            // downsamples are 1, 2.001, 4.002, 8.015, 16.03, 32.36
            assertThat(r.bestLevelForDownsample(0.5)).isEqualTo(0);
            assertThat(r.bestLevelForDownsample(1.0)).isEqualTo(0);
            assertThat(r.bestLevelForDownsample(2.0)).isEqualTo(0);
            assertThat(r.bestLevelForDownsample(2.5)).isEqualTo(1);
            assertThat(r.bestLevelForDownsample(4.0)).isEqualTo(1);
            assertThat(r.bestLevelForDownsample(8.0)).isEqualTo(2);
            assertThat(r.bestLevelForDownsample(16.0)).isEqualTo(3);
            assertThat(r.bestLevelForDownsample(1000)).isEqualTo(5);
            int previous = 0;
            for (double d = 1; d < 100; d *= 1.3) {
                int best = r.bestLevelForDownsample(d);
                assertThat(best).isBetween(previous, r.levelCount() - 1);
                assertThat(r.level(best).downsample()).isLessThanOrEqualTo(d);
                previous = best;
            }
        }
        try (OpenSlideReader r = OpenSlideReader.open(TestSlides.slide(CMU))) {
            assertThat(r.bestLevelForDownsample(1)).isZero();
            assertThat(r.bestLevelForDownsample(64)).isZero();
        }
    }

    @Test
    void readRegionBasics() {
        try (OpenSlideReader r = OpenSlideReader.open(TestSlides.slide(CMU))) {
            RgbImage img = r.readRegion(new RegionRequest(1000, 1200, 0, 64, 48));
            assertThat(img.width()).isEqualTo(64);
            assertThat(img.height()).isEqualTo(48);
            assertThat(img.rgb()).hasSize(64 * 48 * 3);
            // the same region read twice is identical
            assertThat(r.readRegion(new RegionRequest(1000, 1200, 0, 64, 48)).rgb()).isEqualTo(img.rgb());
            // entirely outside the slide: transparent in OpenSlide, white for us
            RgbImage outside = r.readRegion(RegionRequest.square(5000, 5000, 0, 8));
            for (byte b : outside.rgb()) {
                assertThat(b & 0xff).isEqualTo(255);
            }
            // negative coordinates are allowed and also read as white
            RgbImage before = r.readRegion(RegionRequest.square(-20, -20, 0, 10));
            for (byte b : before.rgb()) {
                assertThat(b & 0xff).isEqualTo(255);
            }
        }
    }

    @Test
    void thumbnailFitsAndKeepsAspect() {
        try (OpenSlideReader r = OpenSlideReader.open(TestSlides.slide(PYSLIDE))) {
            RgbImage t = r.thumbnail(256);
            assertThat(Math.max(t.width(), t.height())).isEqualTo(256);
            assertThat(t.width()).isGreaterThan(t.height());
            assertThat((double) t.width() / t.height()).isCloseTo(2033.0 / 1525.0, within(0.02));
        }
        try (OpenSlideReader r = OpenSlideReader.open(TestSlides.edge("openslide-python_small.svs"))) {
            RgbImage t = r.thumbnail(256); // never upscales
            assertThat(t.width()).isEqualTo(16);
            assertThat(t.height()).isEqualTo(16);
        }
    }

    @Test
    void edgeSmallSvsOpens() {
        Path p = TestSlides.edge("openslide-python_small.svs");
        try (OpenSlideReader r = OpenSlideReader.open(p)) {
            assertThat(r.vendor()).isEqualTo("aperio");
            assertThat(r.width()).isEqualTo(16);
            assertThat(r.height()).isEqualTo(16);
            RgbImage img = r.readRegion(RegionRequest.square(0, 0, 0, 16));
            assertThat(img.rgb()).hasSize(16 * 16 * 3);
        }
    }

    @Test
    void edgeBoxesTiffOpensWithFourLevels() {
        try (OpenSlideReader r = OpenSlideReader.open(TestSlides.edge("openslide-python_boxes.tiff"))) {
            assertThat(r.vendor()).isEqualTo("generic-tiff");
            assertThat(r.levelCount()).isEqualTo(4);
            assertThat(r.width()).isEqualTo(300);
            assertThat(r.height()).isEqualTo(250);
            assertThat(r.level(1).downsample()).isCloseTo(2.0, within(1e-9));
            // 28.35 px/cm is about 353 µm/px: not a scanner calibration
            assertThat(r.calibration().isKnown()).isFalse();
            RgbImage img = r.readRegion(new RegionRequest(0, 0, 3, 37, 31));
            assertThat(img.width()).isEqualTo(37);
        }
    }

    @Test
    void edgeUnreadableSvsOpensButReadFails() {
        Path p = TestSlides.edge("openslide-python_unreadable.svs");
        try (OpenSlideReader r = OpenSlideReader.open(p)) {
            assertThat(r.vendor()).isEqualTo("aperio");
            assertThatThrownBy(() -> r.readRegion(RegionRequest.square(0, 0, 0, 16)))
                .isInstanceOf(SlideException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("OpenSlide error")
                .hasMessageContaining("Bogus marker length") // libjpeg's complaint, passed through
                .satisfies(e -> assertThat(((SlideException) e).path()).isEqualTo(p));
            // errors are sticky: later reads fail as well instead of returning transparent pixels
            assertThatThrownBy(() -> r.readRegion(RegionRequest.square(0, 0, 0, 4)))
                .isInstanceOf(SlideException.class)
                .hasMessageContaining(p.toString());
        }
    }

    @Test
    void edgeUnopenableTiffFailsToOpen() {
        Path p = TestSlides.edge("openslide-python_unopenable.tiff");
        assertThatThrownBy(() -> OpenSlideReader.open(p))
            .isInstanceOf(SlideException.class)
            .hasMessageStartingWith(p + ": ")
            .hasMessageContaining("Unsupported TIFF compression") // OpenSlide's own error string
            .satisfies(e -> {
                SlideException se = (SlideException) e;
                assertThat(se.path()).isEqualTo(p);
                assertThat(se.reason()).isNotBlank().doesNotStartWith(p.toString());
            });
        assertThat(OpenSlideReader.detectVendor(p)).isEqualTo("generic-tiff");
    }

    @Test
    void edgeDicomIsNotSupportedBy341() {
        Path p = TestSlides.edge("openslide-python_boxes_0.dcm");
        assertThat(OpenSlideReader.detectVendor(p)).isNull();
        assertThatThrownBy(() -> OpenSlideReader.open(p))
            .isInstanceOf(SlideException.class)
            .hasMessageStartingWith(p + ": ")
            .hasMessageContaining("DICOM")
            .hasMessageContaining("3.4.1");
    }

    @Test
    void notASlideFailsToOpen(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("notes.txt");
        java.nio.file.Files.writeString(p, "this is not a slide\n");
        assertThatThrownBy(() -> OpenSlideReader.open(p))
            .isInstanceOf(SlideException.class)
            .hasMessageStartingWith(p + ": ")
            .hasMessageContaining("not a slide format");
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path p = dir.resolve("nope.svs");
        assertThatThrownBy(() -> OpenSlideReader.open(p))
            .isInstanceOf(SlideException.class)
            .hasMessageContaining(p.toString())
            .hasMessageContaining("no such file");
        assertThatThrownBy(() -> OpenSlideReader.open(dir))
            .isInstanceOf(SlideException.class)
            .hasMessageContaining(dir.toString());
    }

    @Test
    void closedReaderRejectsCalls() {
        OpenSlideReader r = OpenSlideReader.open(TestSlides.slide(CMU));
        r.readRegion(RegionRequest.square(0, 0, 0, 8));
        r.close();
        r.close(); // idempotent
        assertThatThrownBy(() -> r.readRegion(RegionRequest.square(0, 0, 0, 8)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
        assertThatThrownBy(() -> r.bestLevelForDownsample(2))
            .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> r.readAssociatedImage("label"))
            .isInstanceOf(IllegalStateException.class);
        // metadata captured at open stays available
        assertThat(r.levelCount()).isEqualTo(1);
        assertThat(r.vendor()).isEqualTo("aperio");
    }

    @Test
    void regionRequestValidation() {
        assertThatThrownBy(() -> new RegionRequest(0, 0, -1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegionRequest(0, 0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegionRequest(0, 0, 0, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegionRequest(0, 0, 0, 40_000, 40_000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RegionRequest.square(3, 4, 1, 5)).isEqualTo(new RegionRequest(3, 4, 1, 5, 5));
    }

    @Test
    void rgbImageRoundTripsThroughBufferedImage() {
        byte[] px = new byte[3 * 2 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 13 + 7);
        }
        RgbImage img = new RgbImage(3, 2, px);
        assertThat(img.red(1, 1)).isEqualTo(px[12] & 0xff);
        assertThat(img.green(1, 1)).isEqualTo(px[13] & 0xff);
        assertThat(img.blue(1, 1)).isEqualTo(px[14] & 0xff);
        RgbImage back = RgbImage.fromBufferedImage(img.toBufferedImage());
        assertThat(back.width()).isEqualTo(3);
        assertThat(back.height()).isEqualTo(2);
        assertThat(back.rgb()).isEqualTo(px);
        assertThatThrownBy(() -> new RgbImage(2, 2, new byte[11])).isInstanceOf(IllegalArgumentException.class);
    }
}
