package org.slidebatch.slide;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    private static void assertThumbnailsEqual(List<Path> slides) throws Exception {
        List<String> checked = new ArrayList<>();
        for (Path slide : slides) {
            try (OpenSlideReader r = OpenSlideReader.open(slide)) {
                for (int side : new int[] {256, 1024, 2048}) {
                    RgbImage py = OsfmReference.thumbnail(dir, slide, side);
                    RgbImage ours = r.thumbnail(side);
                    String what = slide.getFileName() + " @" + side;
                    assertThat(ours.width() + "x" + ours.height()).as(what).isEqualTo(py.width() + "x" + py.height());
                    PilImagingParityTest.assertSamePixels(what, ours, py.rgb());
                    int level = r.bestLevelForDownsample(Math.max((double) r.width() / side, (double) r.height() / side));
                    checked.add(what + " level " + level + " shrink "
                        + String.format("%.2f", (double) r.level(level).width() / ours.width()));
                }
            }
        }
        System.out.println("[thumbnail parity] equal: " + checked);
    }
}
