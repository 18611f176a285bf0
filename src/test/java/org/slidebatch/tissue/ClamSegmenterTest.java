package org.slidebatch.tissue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.slidebatch.tissue.TestImages.PINK;
import static org.slidebatch.tissue.TestImages.WHITE;

class ClamSegmenterTest {

    /** Parameters under which a_t and a_h count seg-level px² directly (ref_patch_size 1 at ds 1). */
    private static ClamSegmentationParams pixelAreas(int aT, int aH, int maxNHoles) {
        return ClamSegmentationParams.defaults().withOverrides(Map.of("ref_patch_size", "1", "a_t", String.valueOf(aT),
            "a_h", String.valueOf(aH), "max_n_holes", String.valueOf(maxNHoles)));
    }

    @Test
    void discWithHolesAtDownsample64UnderClamTcga() {
        // clam-tcga at ds 64: scaled_ref_patch_area = int(512² / 64²) = 64, so a_t = 1024 px², a_h = 256 px².
        RgbImage img = TestImages.filled(400, 300, WHITE);
        TestImages.disc(img, 150, 150, 100, PINK);
        TestImages.disc(img, 150, 150, 30, WHITE);   // big hole, ~2800 px²: kept
        TestImages.disc(img, 150, 80, 15, WHITE);    // medium hole, ~700 px²: kept
        TestImages.disc(img, 210, 150, 6, WHITE);    // small hole, ~110 px² < a_h: dropped
        TestImages.disc(img, 340, 50, 10, PINK);     // speck, ~300 px² < a_t: dropped
        ClamSegmentationParams p = ClamPresets.resolve("clam-tcga", Map.of());

        TissueSegmentation seg = ClamSegmenter.segmentImage("disc", img, 2, 64, 64, 400 * 64, 300 * 64, p);

        assertThat(seg.segLevel()).isEqualTo(2);
        assertThat(seg.maskWidth()).isEqualTo(400);
        assertThat(seg.contours()).hasSize(1);
        TissueContour c = seg.contours().getFirst();
        assertThat(c.holes()).hasSize(2);
        double big = ClamSegmenter.area(c.holes().get(0));
        double medium = ClamSegmenter.area(c.holes().get(1));
        assertThat(big).isGreaterThan(medium);
        assertThat(big / (64.0 * 64)).isCloseTo(Math.PI * 30 * 30, within(250.0));
        assertThat(medium / (64.0 * 64)).isCloseTo(Math.PI * 15 * 15, within(150.0));
        // Level-0 coordinates: every point is a seg-level point × 64.
        for (int[] pt : c.outer()) {
            assertThat(pt[0] % 64).isZero();
            assertThat(pt[1] % 64).isZero();
        }
        int minX = Arrays.stream(c.outer()).mapToInt(pt -> pt[0]).min().orElseThrow();
        int maxX = Arrays.stream(c.outer()).mapToInt(pt -> pt[0]).max().orElseThrow();
        // The disc spans x 50..250; the 7-px median trims its one-pixel extremes.
        assertThat(minX).isBetween(50 * 64, 53 * 64);
        assertThat(maxX).isBetween(247 * 64, 250 * 64);
        // Mask: tissue in the ring, none in the holes, the speck is in the mask (filtering is on contours).
        assertThat(seg.mask()[150 * 400 + 150]).isZero();
        assertThat(seg.mask()[150 * 400 + 80] & 0xff).isEqualTo(255);
        assertThat(seg.mask()[50 * 400 + 340] & 0xff).isEqualTo(255);
        assertThat(seg.mask()[5 * 400 + 5]).isZero();
        double expected = (Math.PI * (100 * 100 - 30 * 30 - 15 * 15)) * 64 * 64;
        assertThat(seg.tissueAreaLevel0()).isCloseTo(expected, within(expected * 0.03));
        assertThat(seg.tissueFraction()).isCloseTo(expected / (400.0 * 64 * 300 * 64), within(0.01));
        assertThat(seg.tissueAreaLevel0()).isEqualTo(ClamSegmenter.netArea(c));
    }

    @Test
    void noTissueGivesZeroContoursAndZeroFraction() {
        RgbImage white = TestImages.filled(300, 200, WHITE);
        TissueSegmentation seg = ClamSegmenter.segmentImage("blank", white, 1, 64, 64, 300 * 64, 200 * 64,
            ClamPresets.resolve("clam-tcga", Map.of()));
        assertThat(seg.contours()).isEmpty();
        assertThat(seg.tissueAreaLevel0()).isZero();
        assertThat(seg.tissueFraction()).isZero();
        assertThat(TestImages.count(seg.mask())).isZero();
        // Otsu on a constant image must not invent tissue either.
        TissueSegmentation otsu = ClamSegmenter.segmentImage("blank", white, ClamPresets.resolve("gpfm-tcga", Map.of()));
        assertThat(otsu.contours()).isEmpty();
        assertThat(otsu.tissueFraction()).isZero();
    }

    @Test
    void binaryThresholdIsStrictlyAboveSthresh() {
        // (255, 247, 247): OpenCV S = 8 exactly.
        RgbImage faint = TestImages.filled(40, 30, new int[] {255, 247, 247});
        ClamSegmentationParams p = pixelAreas(0, 0, 8);
        TissueSegmentation at8 = ClamSegmenter.segmentImage("faint", faint, p.withOverrides(Map.of("sthresh", "8")));
        assertThat(at8.contours()).isEmpty();
        TissueSegmentation at7 = ClamSegmenter.segmentImage("faint", faint, p.withOverrides(Map.of("sthresh", "7")));
        assertThat(at7.contours()).hasSize(1);
        assertThat(TestImages.count(at7.mask())).isEqualTo(40 * 30);
        // The whole image is one contour through the border pixel centres: area (w-1)(h-1).
        assertThat(at7.tissueAreaLevel0()).isEqualTo(39.0 * 29);
        assertThat(at7.tissueFraction()).isEqualTo(39.0 * 29 / (40 * 30));
    }

    @Test
    void sthreshUpOtherThan255StillGivesA0Or255Mask() {
        RgbImage img = TestImages.filled(60, 60, WHITE);
        TestImages.rect(img, 10, 10, 50, 50, PINK);
        TissueSegmentation seg = ClamSegmenter.segmentImage("s", img, pixelAreas(0, 0, 8).withOverrides(Map.of("sthresh_up", "1")));
        assertThat(seg.contours()).hasSize(1);
        for (byte b : seg.mask()) {
            assertThat(b == 0 || b == (byte) 255).isTrue();
        }
        // 40×40 square less its corners, which the 7-px median rounds off.
        assertThat(TestImages.count(seg.mask())).isBetween(40 * 40 - 40, 40 * 40);
    }

    @Test
    void otsuSeparatesSaturatedFromPale() {
        RgbImage img = TestImages.filled(100, 80, new int[] {250, 245, 248});
        TestImages.rect(img, 0, 0, 50, 80, PINK);
        TissueSegmentation seg = ClamSegmenter.segmentImage("o", img, pixelAreas(0, 0, 8).withOverrides(Map.of("use_otsu", "true")));
        assertThat(seg.contours()).hasSize(1);
        assertThat(seg.mask()[40 * 100 + 10] & 0xff).isEqualTo(255);
        assertThat(seg.mask()[40 * 100 + 90]).isZero();
    }

    @Test
    void areaThresholdsAreStrict() {
        int w = 40;
        byte[] mask = new byte[w * w];
        TestImages.rect(mask, w, 5, 5, 16, 16, 255); // 11×11 pixels: contour through centres, area 10×10 = 100
        assertThat(ClamSegmenter.contoursFromMask(mask, w, w, 1, 1, pixelAreas(99, 0, 8))).hasSize(1);
        assertThat(ClamSegmenter.contoursFromMask(mask, w, w, 1, 1, pixelAreas(100, 0, 8))).isEmpty();

        byte[] holed = new byte[w * w];
        TestImages.rect(holed, w, 2, 2, 38, 38, 255);
        TestImages.rect(holed, w, 10, 10, 19, 19, 0); // a 9×9 hole
        List<TissueContour> all = ClamSegmenter.contoursFromMask(holed, w, w, 1, 1, pixelAreas(0, 0, 8));
        assertThat(all).hasSize(1);
        assertThat(all.getFirst().holes()).hasSize(1);
        double holeArea = ClamSegmenter.area(all.getFirst().holes().getFirst());
        assertThat(holeArea).isEqualTo(Math.rint(holeArea)).isPositive();
        assertThat(ClamSegmenter.contoursFromMask(holed, w, w, 1, 1, pixelAreas(0, (int) holeArea - 1, 8)).getFirst().holes()).hasSize(1);
        assertThat(ClamSegmenter.contoursFromMask(holed, w, w, 1, 1, pixelAreas(0, (int) holeArea, 8)).getFirst().holes()).isEmpty();
        // Net area = outer − all holes (before hole filtering): 35² − hole.
        assertThat(ClamSegmenter.netArea(all.getFirst())).isEqualTo(35.0 * 35 - holeArea);
    }

    @Test
    void zeroAreaContoursAreDroppedEvenWithZeroAt() {
        int w = 30;
        byte[] mask = new byte[w * w];
        mask[5 * w + 5] = (byte) 255;                 // single pixel: area 0
        TestImages.rect(mask, w, 10, 2, 25, 3, 255);   // 1-px line: area 0
        TestImages.rect(mask, w, 10, 10, 12, 12, 255); // 2×2 block: area 1
        List<TissueContour> kept = ClamSegmenter.contoursFromMask(mask, w, w, 1, 1, pixelAreas(0, 0, 8));
        assertThat(kept).hasSize(1);
        assertThat(ClamSegmenter.area(kept.getFirst().outer())).isEqualTo(1.0);
    }

    @Test
    void holesAreSortedByAreaAndCappedByMaxNHoles() {
        int w = 200;
        byte[] mask = new byte[w * w];
        TestImages.rect(mask, w, 0, 0, 200, 200, 255);
        int[] sides = {10, 30, 20, 25};
        int x = 10;
        for (int s : sides) {
            TestImages.rect(mask, w, x, 50, x + s, 50 + s, 0);
            x += s + 15;
        }
        List<TissueContour> four = ClamSegmenter.contoursFromMask(mask, w, w, 1, 1, pixelAreas(0, 0, 8));
        assertThat(four).hasSize(1);
        double[] areas = four.getFirst().holes().stream().mapToDouble(ClamSegmenter::area).toArray();
        assertThat(areas).hasSize(4);
        double[] sorted = areas.clone();
        Arrays.sort(sorted);
        assertThat(areas).containsExactly(sorted[3], sorted[2], sorted[1], sorted[0]);

        List<TissueContour> two = ClamSegmenter.contoursFromMask(mask, w, w, 1, 1, pixelAreas(0, 0, 2));
        assertThat(two.getFirst().holes().stream().mapToDouble(ClamSegmenter::area).toArray())
            .containsExactly(sorted[3], sorted[2]);
        assertThat(ClamSegmenter.contoursFromMask(mask, w, w, 1, 1, pixelAreas(0, 0, 0)).getFirst().holes()).isEmpty();
        // The hole count cap does not change the net area used for a_t (CLAM subtracts all holes).
        assertThat(ClamSegmenter.netArea(four.getFirst())).isLessThan(ClamSegmenter.netArea(two.getFirst()));
    }

    @Test
    void islandInsideAHoleIsItsOwnTissueContour() {
        int w = 120;
        byte[] mask = new byte[w * w];
        TestImages.rect(mask, w, 10, 10, 110, 110, 255);
        TestImages.rect(mask, w, 30, 30, 90, 90, 0);
        TestImages.rect(mask, w, 50, 50, 70, 70, 255);
        List<TissueContour> kept = ClamSegmenter.contoursFromMask(mask, w, w, 1, 1, pixelAreas(0, 0, 8));
        assertThat(kept).hasSize(2);
        List<TissueContour> bySize = kept.stream()
            .sorted(Comparator.comparingDouble((TissueContour c) -> ClamSegmenter.area(c.outer())).reversed()).toList();
        assertThat(bySize.get(0).holes()).hasSize(1);
        assertThat(bySize.get(1).holes()).isEmpty();
        assertThat(ClamSegmenter.area(bySize.get(1).outer())).isEqualTo(19.0 * 19);
    }

    @Test
    void contoursAreScaledPerAxisAndTruncatedLikeNumpyInt32() {
        int w = 50;
        byte[] mask = new byte[w * w];
        TestImages.rect(mask, w, 3, 7, 41, 33, 255);
        ClamSegmentationParams p = pixelAreas(0, 0, 8);
        TissueContour base = ClamSegmenter.contoursFromMask(mask, w, w, 1, 1, p).getFirst();
        TissueContour scaled = ClamSegmenter.contoursFromMask(mask, w, w, 2.5, 1.1, p).getFirst();
        assertThat(scaled.outer().length).isEqualTo(base.outer().length);
        for (int i = 0; i < base.outer().length; i++) {
            assertThat(scaled.outer()[i]).containsExactly((int) (base.outer()[i][0] * 2.5), (int) (base.outer()[i][1] * 1.1));
        }
        // 30 × 1.1 = 33.000000000000004 → 33; 10 × 1.1 = 11.000000000000002 → 11: float64 product, then truncation.
        assertThat((int) (30 * 1.1)).isEqualTo(33);
    }

    @Test
    void scaledRefPatchAreaIsTruncatedAfterTrueDivision() {
        // ds (3, 3): int(512² / 9) = 29127 (29127.11…); a_t = 1 → contours need more than 29127 px².
        int w = 200;
        byte[] mask = new byte[w * w];
        TestImages.rect(mask, w, 0, 0, 172, 171, 255); // area 171 × 170 = 29070 <= 29127: dropped
        ClamSegmentationParams p = ClamSegmentationParams.defaults().withOverrides(Map.of("a_t", "1", "a_h", "1"));
        assertThat(ClamSegmenter.contoursFromMask(mask, w, w, 3, 3, p)).isEmpty();
        TestImages.rect(mask, w, 0, 0, 173, 172, 255); // 172 × 171 = 29412 > 29127: kept
        assertThat(ClamSegmenter.contoursFromMask(mask, w, w, 3, 3, p)).hasSize(1);
    }

    @Test
    void refusesSegLevelsAboveOneHundredMillionPixelsWithoutReading() {
        List<LevelInfo> levels = List.of(new LevelInfo(0, 400_000, 300_000, 1), new LevelInfo(1, 100_000, 75_000, 4),
            new LevelInfo(2, 12_500, 9_375, 32));
        SlideReader huge = TestImages.reader(levels, null);
        ClamSegmenter segmenter = new ClamSegmenter();
        assertThatThrownBy(() -> segmenter.segment("huge-slide", huge, ClamPresets.resolve("clam-tcga", Map.of())))
            .isInstanceOf(SegmentationRefusedException.class)
            .hasMessageContaining("huge-slide")
            .hasMessageContaining("level 2")
            .hasMessageContaining("12500 x 9375")
            .hasMessageContaining("1e8");
        // Exactly 1e8 is allowed (CLAM: w * h > 1e8).
        assertThatCode(() -> ClamSegmenter.checkSize("s", 0, 10_000, 10_000)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ClamSegmenter.checkSize("s", 0, 10_000, 10_001)).isInstanceOf(SegmentationRefusedException.class);
        // A seg_level the slide does not have is refused too, naming the slide.
        assertThatThrownBy(() -> segmenter.segment("huge-slide", huge, ClamPresets.resolve("clam-tcga", Map.of("seg_level", "5"))))
            .isInstanceOf(SegmentationRefusedException.class)
            .hasMessageContaining("huge-slide").hasMessageContaining("seg_level 5");
    }

    @Test
    void segLevelChoiceAndDownsampleFromLevelDimensions() {
        // Reported downsample 63 is ignored: CLAM uses (1000/16, 999/15) = (62.5, 66.6).
        List<LevelInfo> levels = List.of(new LevelInfo(0, 1000, 999, 1), new LevelInfo(1, 250, 250, 4),
            new LevelInfo(2, 16, 15, 63));
        SlideReader reader = TestImages.reader(levels, level -> {
            LevelInfo l = levels.get(level);
            return TestImages.filled((int) l.width(), (int) l.height(), PINK);
        });
        ClamSegmentationParams p = ClamPresets.resolve("clam-tcga", Map.of("a_t", "0", "a_h", "0", "mthresh", "3", "close", "0"));
        TissueSegmentation seg = new ClamSegmenter().segment("tiny", reader, p);
        assertThat(seg.segLevel()).isEqualTo(2);
        assertThat(seg.segDownsampleX()).isEqualTo(62.5);
        assertThat(seg.segDownsampleY()).isEqualTo(999.0 / 15);
        assertThat(seg.contours()).hasSize(1);
        int[][] outer = seg.contours().getFirst().outer();
        assertThat(Arrays.stream(outer).mapToInt(pt -> pt[0]).max().orElseThrow()).isEqualTo((int) (15 * 62.5));
        assertThat(Arrays.stream(outer).mapToInt(pt -> pt[1]).max().orElseThrow()).isEqualTo((int) (14 * (999.0 / 15)));
        assertThat(seg.tissueFraction()).isCloseTo(937.0 * 932 / (1000.0 * 999), within(1e-9));

        // A single-level slide is segmented at level 0 when seg_level = -1; an explicit level is honoured.
        SlideReader single = TestImages.reader(List.of(new LevelInfo(0, 30, 20, 1)), l -> TestImages.filled(30, 20, WHITE));
        assertThat(ClamSegmenter.resolveSegLevel("s", single, -1)).isZero();
        assertThat(ClamSegmenter.resolveSegLevel("s", reader, 1)).isEqualTo(1);
        assertThat(new ClamSegmenter().segment("single", single, ClamPresets.resolve("clam-tcga", Map.of())).contours()).isEmpty();
    }

    @Test
    void segmentingWithAnEvenKernelFailsClearlyEvenWithoutStartUpValidation() {
        RgbImage img = TestImages.filled(20, 20, PINK);
        assertThatThrownBy(() -> ClamSegmenter.segmentImage("x", img, ClamPresets.preset("gpfm-dhmc")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("mthresh must be odd and > 1 (OpenCV medianBlur), got 6");
    }

    @Test
    void openCvLoadsOnceAndReportsItsVersion() {
        OpenCvLoader.load();
        OpenCvLoader.load();
        assertThat(OpenCvLoader.version()).startsWith("4.9");
    }
}
