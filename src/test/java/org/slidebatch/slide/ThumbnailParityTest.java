package org.slidebatch.slide;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Thumbnails} (through {@link SlideReader#thumbnail}) against openslide-python's {@code get_thumbnail} with
 * OpenSlideFM's size rule, byte for byte, on the real test slides and on generated slides, at 256, 1024 and 2048 px.
 */
class ThumbnailParityTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void needsPeers() {
        TestSlides.assumeOpenSlide();
        TestSlides.assumePythonOpenSlide();
        TestSlides.assumePil();
    }

    @Test
    void realSlidesEqualOpenSlidePython() throws Exception {
        List<Path> slides = OsfmReference.realSlides();
        assertThat(slides).isNotEmpty();
        assertThumbnailsEqual(slides);
    }

    @Test
    void generatedSlidesEqualOpenSlidePython() throws Exception {
        assertThumbnailsEqual(OsfmReference.generatedSlides(dir));
    }

    @Test
    void openslideFmTargetSize() {
        // CMU-1-Small-Region: 2220 x 2967 → scale 2.897… → (766, 1024)
        assertThat(Thumbnails.targetSize(2220, 2967, 1024)).containsExactly(766, 1024);
        assertThat(Thumbnails.targetSize(300, 250, 1024)).containsExactly(300, 250);
        assertThat(Thumbnails.targetSize(100_000, 3, 2048)).containsExactly(2048, 1);
    }

    /**
     * Per slide: OpenSlideFM's thumbnails at 256, 1024 and 2048 px ({@link SlideReader#thumbnail(int)}) and wsistream's
     * box calls ({@link SlideReader#thumbnail(int, int)}: 2048 × 2048, and a non-square box).
     */
    private static void assertThumbnailsEqual(List<Path> slides) throws Exception {
        List<String> checked = new ArrayList<>();
        for (Path slide : slides) {
            Map<String, RgbImage> py = OsfmReference.thumbnails(dir, slide, "256", "1024", "2048", "2048x2048", "300x200");
            try (OpenSlideReader r = OpenSlideReader.open(slide)) {
                for (Map.Entry<String, RgbImage> e : py.entrySet()) {
                    String size = e.getKey();
                    RgbImage ours;
                    String what = slide.getFileName() + " @" + size;
                    if (size.contains("x")) {
                        String[] wh = size.split("x");
                        ours = r.thumbnail(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
                    } else {
                        int side = Integer.parseInt(size);
                        ours = r.thumbnail(side);
                        int level = r.bestLevelForDownsample(Math.max((double) r.width() / side, (double) r.height() / side));
                        what += " level " + level + " shrink " + String.format("%.2f", (double) r.level(level).width() / ours.width());
                    }
                    assertThat(ours.width() + "x" + ours.height()).as(what)
                        .isEqualTo(e.getValue().width() + "x" + e.getValue().height());
                    PilImagingParityTest.assertSamePixels(what, ours, e.getValue().rgb());
                    checked.add(what);
                }
            }
        }
        System.out.println("[thumbnail parity] equal: " + checked);
    }
}
