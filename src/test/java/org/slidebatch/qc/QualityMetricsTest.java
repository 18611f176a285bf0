package org.slidebatch.qc;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.slidebatch.slide.RgbImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class QualityMetricsTest {

    /** Tissue-but-not-pen colours (S in [20, 59]) with different luma: Pillow L 184 and 134. */
    private static final int[] LIGHT = {210, 170, 190};
    private static final int[] DARK = {150, 125, 140};

    @Test
    void halfWhiteHalfTissueWithPenStripe() {
        RgbImage img = TestImages.filled(100, 100, TestImages.WHITE);
        for (int y = 0; y < 100; y++) {
            for (int x = 50; x < 100; x++) {
                TestImages.set(img, x, y, TestImages.PINK);
            }
        }
        for (int y = 40; y < 50; y++) {
            for (int x = 0; x < 100; x++) {
                TestImages.set(img, x, y, TestImages.BLUE_PEN);
            }
        }
        QcMetrics m = QualityMetrics.compute(img);
        // white: 50 columns x 90 rows; tissue: pink 50 x 90 plus the ink stripe 100 x 10; pen: the stripe.
        assertThat(m.whitePct()).isEqualTo(4500 / 10000.0);
        assertThat(m.tissuePct()).isEqualTo(5500 / 10000.0);
        assertThat(m.penPct()).isEqualTo(1000 / 10000.0);
        // means over tissue: V 225 (pink) x 4500 and 200 (ink) x 1000; S 39 and 216.
        assertThat(m.brightnessMean()).isCloseTo((225.0 * 4500 + 200.0 * 1000) / 5500, within(1e-9));
        assertThat(m.saturationMean()).isCloseTo((39.0 * 4500 + 216.0 * 1000) / 5500, within(1e-9));

        QcMasks masks = QualityMetrics.masks(img);
        assertThat(masks.isWhite(10, 10)).isTrue();
        assertThat(masks.isTissue(10, 10)).isFalse();
        assertThat(masks.isTissue(60, 10)).isTrue();
        assertThat(masks.isPen(60, 10)).isFalse();
        assertThat(masks.isPen(10, 45)).isTrue();
        assertThat(masks.isTissue(10, 45)).isTrue();
        assertThat(masks.tissue()[60 + 10 * 100]).isEqualTo((byte) 255);
        assertThat(masks.hsv()).hasSize(100 * 100 * 3);
        assertThat(masks.gray()[0] & 0xff).isEqualTo(245);
        assertThat(masks.penRule()).isEqualTo(PenRule.OPENSLIDEFM);
    }

    @Test
    void blurVarianceIsHighOnSharpCheckerboardAndLowAfterBlurring() {
        RgbImage sharp = TestImages.checkerboard(64, 64, 1, LIGHT, DARK);
        QcMetrics m = QualityMetrics.compute(sharp);
        assertThat(m.tissuePct()).isEqualTo(1.0);
        assertThat(m.penPct()).isZero();
        // Every pixel has four neighbours of the other grey (reflect-101 keeps that at the border too):
        // lap = ±4·(184 − 134), so the population variance is 16·50².
        assertThat(m.blurVar()).isCloseTo(16.0 * 50 * 50, within(1e-6));

        // Larger cells: still sharp edges, then a strong Gaussian blur flattens them below the threshold.
        RgbImage cells = TestImages.checkerboard(128, 128, 16, LIGHT, DARK);
        QcMetrics sharpCells = QualityMetrics.compute(cells);
        assertThat(sharpCells.blurVar()).isGreaterThan(100.0);
        QcMetrics blurred = QualityMetrics.compute(gaussianBlur(cells, 31, 8.0));
        assertThat(blurred.tissuePct()).isEqualTo(1.0);
        assertThat(blurred.blurVar()).isLessThan(15.0).isLessThan(sharpCells.blurVar() / 100);
        assertThat(QcDecision.reasons(blurred, QcThresholds.defaults())).containsExactly("blur<15.0");
    }

    @Test
    void flatTissueHasZeroLaplacian() {
        QcMetrics m = QualityMetrics.compute(TestImages.filled(17, 9, TestImages.PINK));
        assertThat(m.tissuePct()).isEqualTo(1.0);
        assertThat(m.blurVar()).isZero();
    }

    @Test
    void blurIsMeasuredOverTissueOnly() {
        // A sharp checkerboard of white and grey (neither is tissue: S = 0) beside flat tissue.
        RgbImage img = TestImages.checkerboard(40, 20, 1, TestImages.WHITE, new int[] {60, 60, 60});
        for (int y = 0; y < 20; y++) {
            for (int x = 30; x < 40; x++) {
                TestImages.set(img, x, y, TestImages.PINK);
            }
        }
        QcMetrics m = QualityMetrics.compute(img);
        assertThat(m.tissuePct()).isEqualTo(200 / 800.0);
        // Laplacian is non-zero only on column 30 (neighbour column 29 is the checkerboard), so variance > 0,
        // but the interior of the tissue block is flat: far below the checkerboard's own variance.
        assertThat(m.blurVar()).isGreaterThan(0.0).isLessThan(16.0 * 185 * 185 / 4);
    }

    @Test
    void noTissueGivesZeroBlurAndMeansOverAllPixels() {
        RgbImage img = TestImages.filled(10, 10, TestImages.WHITE);
        for (int x = 0; x < 10; x++) {
            TestImages.set(img, x, 0, new int[] {100, 100, 100}); // grey: S = 0, V = 100
        }
        QcMetrics m = QualityMetrics.compute(img);
        assertThat(m.tissuePct()).isZero();
        assertThat(m.whitePct()).isEqualTo(0.9);
        assertThat(m.penPct()).isZero();
        assertThat(m.blurVar()).isEqualTo(0.0);
        assertThat(m.brightnessMean()).isCloseTo((245.0 * 90 + 100.0 * 10) / 100, within(1e-9));
        assertThat(m.saturationMean()).isZero();
        assertThat(QcDecision.reasons(m, QcThresholds.defaults())).containsExactly("low_tissue<0.10", "white>0.75", "blur<15.0");
    }

    @Test
    void namedPenRules() {
        int[] green = {30, 160, 60};      // H 94, S 207, V 160
        int[] blue = {30, 60, 150};       // H 159, S 204, V 150
        int[] red = {200, 30, 40};        // H 252, S 216, V 200
        int[] black = {20, 20, 30};       // V 30
        int[] eosin = {230, 150, 200};    // H 228, S 88, V 230
        int[] haematoxylin = {100, 80, 160}; // H 180, S 127, V 160
        int[][] colours = {green, blue, red, black, eosin, haematoxylin, TestImages.PINK, TestImages.WHITE};
        RgbImage img = TestImages.filled(colours.length, 1, TestImages.WHITE);
        for (int i = 0; i < colours.length; i++) {
            TestImages.set(img, i, 0, colours[i]);
        }
        assertThat(penColumns(img, PenRule.GREEN)).containsExactly(0);
        assertThat(penColumns(img, PenRule.BLUE)).containsExactly(1);
        assertThat(penColumns(img, PenRule.RED)).containsExactly(2);
        assertThat(penColumns(img, PenRule.BLACK)).containsExactly(3);
        // OpenSlideFM's hue window 240°-360° catches red, the blue-black ink (H 170), eosin and haematoxylin,
        // but not the cyan-blue or green ink.
        assertThat(penColumns(img, PenRule.OPENSLIDEFM)).containsExactly(2, 3, 4, 5);

        QcMasks masks = QualityMetrics.masks(img, PenRule.RED);
        assertThat(QualityMetrics.compute(masks).penPct()).isEqualTo(1.0 / colours.length);
        assertThat(QualityMetrics.penMask(masks, PenRule.GREEN)[0]).isEqualTo((byte) 255);
    }

    @Test
    void penRuleMasksAgreeWithPerPixelReference() {
        RgbImage img = TestImages.synthetic(200, 120, 7);
        byte[] hsv = PilColor.rgbToHsv(img.rgb());
        for (PenRule rule : PenRule.values()) {
            byte[] mask = QualityMetrics.masks(img, rule).pen();
            for (int p = 0; p < mask.length; p++) {
                boolean expected = rule.matches(hsv[3 * p] & 0xff, hsv[3 * p + 1] & 0xff, hsv[3 * p + 2] & 0xff);
                assertThat(mask[p] != 0).as("%s pixel %d", rule, p).isEqualTo(expected);
            }
        }
    }

    @Test
    void concurrentUseGivesIdenticalResults() {
        RgbImage img = TestImages.synthetic(256, 192, 11);
        QcMetrics expected = QualityMetrics.compute(img);
        var results = new ConcurrentLinkedQueue<QcMetrics>();
        IntStream.range(0, 32).parallel().forEach(i -> results.add(QualityMetrics.compute(img)));
        assertThat(results).hasSize(32).allMatch(expected::equals);
    }

    @Test
    void rejectsEmptyThumbnail() {
        assertThatThrownBy(() -> QualityMetrics.compute(new RgbImage(0, 5, new byte[0])))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("empty thumbnail");
    }

    private static java.util.List<Integer> penColumns(RgbImage img, PenRule rule) {
        byte[] pen = QualityMetrics.masks(img, rule).pen();
        return IntStream.range(0, pen.length).filter(i -> pen[i] != 0).boxed().toList();
    }

    private static RgbImage gaussianBlur(RgbImage img, int k, double sigma) {
        QcOpenCv.ensureLoaded();
        Mat src = new Mat(img.height(), img.width(), CvType.CV_8UC3);
        Mat dst = new Mat();
        try {
            src.put(0, 0, img.rgb());
            Imgproc.GaussianBlur(src, dst, new Size(k, k), sigma);
            byte[] out = new byte[img.rgb().length];
            dst.get(0, 0, out);
            return new RgbImage(img.width(), img.height(), out);
        } finally {
            src.release();
            dst.release();
        }
    }
}
