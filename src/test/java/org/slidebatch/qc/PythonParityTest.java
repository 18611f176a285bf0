package org.slidebatch.qc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.slide.OsfmReference;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.TestSlides;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

/**
 * OpenSlideFM NB03's metrics re-implemented with PIL + NumPy ({@code scripts/python/qc_reference.py}, as in the
 * notebook) on the same pixels must give identical fractions, means and blur variance within 1e-6 relative (we
 * follow NumPy's float32 reduction, so they are equal to the bit with NumPy 1.24), and byte-identical PIL planes
 * and overlay;
 * on whole slides our thumbnail must be openslide-python's. Skipped when Debian's {@code /usr/bin/python3} with
 * PIL and numpy (and python3-openslide for the slide tests) is missing.
 */
class PythonParityTest {

    /** argv: raw RGB file, width, height, output dir. Writes Pillow's HSV and L planes. */
    private static final String PLANES = """
        import sys
        from PIL import Image
        raw, w, h, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
        img = Image.frombytes('RGB', (w, h), open(raw, 'rb').read())
        open(out + '/hsv.raw', 'wb').write(img.convert('HSV').tobytes())
        open(out + '/l.raw', 'wb').write(img.convert('L').tobytes())
        """;

    @TempDir
    Path dir;

    @BeforeEach
    void needsPil() {
        PythonPil.assumeAvailable();
    }

    @Test
    void syntheticThumbnailMatchesOpenSlideFm() throws Exception {
        assertNb03Parity(TestImages.synthetic(517, 389, 42));
    }

    @Test
    void randomNoiseMatchesOpenSlideFm() throws Exception {
        byte[] rgb = new byte[301 * 203 * 3];
        new java.util.Random(1234).nextBytes(rgb);
        assertNb03Parity(new RgbImage(301, 203, rgb));
    }

    @Test
    void tissueFreeImageMatchesOpenSlideFm() throws Exception {
        RgbImage img = TestImages.checkerboard(33, 21, 2, TestImages.WHITE, new int[] {90, 90, 90});
        QcMetrics m = assertNb03Parity(img);
        assertThat(m.blurVar()).isZero();
    }

    /** Pillow's HSV and L conversions, every one of the 2^24 RGB colours. */
    @Test
    void pillowColourConversionsOverTheWholeRgbCube() throws Exception {
        int w = 4096;
        int h = 4096;
        byte[] rgb = new byte[w * h * 3];
        for (int c = 0, i = 0; c < (1 << 24); c++, i += 3) {
            rgb[i] = (byte) (c >> 16);
            rgb[i + 1] = (byte) (c >> 8);
            rgb[i + 2] = (byte) c;
        }
        Path raw = dir.resolve("cube.raw");
        Files.write(raw, rgb);
        PythonPil.run(dir, PLANES, raw.toString(), "" + w, "" + h, dir.toString());
        assertSameBytes("HSV", PilColor.rgbToHsv(rgb), Files.readAllBytes(dir.resolve("hsv.raw")), rgb, 3);
        assertSameBytes("L", PilColor.rgbToL(rgb), Files.readAllBytes(dir.resolve("l.raw")), rgb, 1);
    }

    /**
     * Whole slides: our thumbnail ({@code SlideReader.thumbnail(1024)}) and metrics against NB03 run by Python on
     * openslide-python's thumbnail; with {@code pen_rules=openslidefm} the reasons are OpenSlideFM's too.
     */
    @Test
    void realSlidesMatchOpenSlideFm() throws Exception {
        assertSlideParity(OsfmReference.realSlides());
    }

    @Test
    void generatedSlidesMatchOpenSlideFm() throws Exception {
        assertSlideParity(OsfmReference.generatedSlides(dir));
    }

    /** With the default pen rules (ink colours) the real H&amp;E slides are not excluded for pen. */
    @Test
    void realHeSlidesAreNotPenWithTheDefaultRules() throws Exception {
        TestSlides.assumeOpenSlide();
        List<Path> slides = OsfmReference.realHeSlides();
        assertThat(slides).isNotEmpty();
        List<PenRule> defaults = QcStepConfiguration.penRules(new JobParametersBuilder().toJobParameters());
        assertThat(defaults).containsExactly(PenRule.GREEN, PenRule.BLUE, PenRule.BLACK);
        for (Path slide : slides) {
            try (OpenSlideReader r = OpenSlideReader.open(slide)) {
                RgbImage thumb = r.thumbnail(QcStepConfiguration.THUMB_MAX_SIDE);
                QcMetrics ink = QualityMetrics.compute(QualityMetrics.masks(thumb, defaults));
                QcMetrics osfm = QualityMetrics.compute(QualityMetrics.masks(thumb, PenRule.OPENSLIDEFM));
                System.out.printf("[qc pen] %s: pen_pct default %.4f, openslidefm %.4f%n", slide.getFileName(),
                    ink.penPct(), osfm.penPct());
                assertThat(QcDecision.reasons(ink, QcThresholds.defaults())).as(slide.getFileName().toString())
                    .noneMatch(reason -> reason.startsWith("pen"));
                assertThat(QcDecision.reasons(osfm, QcThresholds.defaults())).as("OpenSlideFM's rule flags " + slide.getFileName())
                    .contains("pen>0.02");
            }
        }
    }

    private void assertSlideParity(List<Path> slides) throws Exception {
        TestSlides.assumeOpenSlide();
        TestSlides.assumePythonOpenSlide();
        assertThat(slides).isNotEmpty();
        double worstBlur = 0;
        double worstMean = 0;
        for (Path slide : slides) {
            JsonNode py = JsonMapper.builder().build().readTree(OsfmReference.run(dir, "qc", slide.toString(), "openslidefm"));
            try (OpenSlideReader r = OpenSlideReader.open(slide)) {
                RgbImage thumb = r.thumbnail(QcStepConfiguration.THUMB_MAX_SIDE);
                String what = slide.getFileName().toString();
                assertThat(thumb.width() + "x" + thumb.height()).as(what)
                    .isEqualTo(py.get("width").asInt() + "x" + py.get("height").asInt());
                List<PenRule> rules = QcStepConfiguration.penRules(
                    new JobParametersBuilder().addString("pen_rules", "openslidefm").toJobParameters());
                QcMetrics m = QualityMetrics.compute(QualityMetrics.masks(thumb, rules));
                assertThat(m.tissuePct()).as(what + " tissue_pct").isEqualTo(py.get("tissue_pct").asDouble());
                assertThat(m.whitePct()).as(what + " white_pct").isEqualTo(py.get("white_pct").asDouble());
                assertThat(m.penPct()).as(what + " pen_pct").isEqualTo(py.get("pen_pct").asDouble());
                worstBlur = Math.max(worstBlur, assertRelative(what + " blur_var", m.blurVar(), py.get("blur_var").asDouble()));
                worstMean = Math.max(worstMean,
                    assertRelative(what + " brightness_mean", m.brightnessMean(), py.get("brightness_mean").asDouble()));
                worstMean = Math.max(worstMean,
                    assertRelative(what + " saturation_mean", m.saturationMean(), py.get("saturation_mean").asDouble()));
                assertThat(QcDecision.reasonsColumn(m, QcThresholds.defaults())).as(what + " reasons")
                    .isEqualTo(py.get("reasons").asText());
            }
        }
        System.out.printf("[qc parity] %d slides: largest relative difference blur_var %.3g, means %.3g%n",
            slides.size(), worstBlur, worstMean);
    }

    private static double assertRelative(String what, double ours, double py) {
        if (py == 0.0) {
            assertThat(ours).as(what).isZero();
            return 0;
        }
        double rel = Math.abs(ours - py) / Math.abs(py);
        if (rel != 0) {
            System.out.println("[qc parity] " + what + ": ours " + ours + ", OpenSlideFM " + py);
        }
        assertThat(rel).as(what + ": ours " + ours + ", OpenSlideFM " + py).isLessThanOrEqualTo(1e-6);
        return rel;
    }

    private QcMetrics assertNb03Parity(RgbImage img) throws Exception {
        Path raw = dir.resolve("thumb.raw");
        Files.write(raw, img.rgb());
        JsonNode json = JsonMapper.builder().build().readTree(
            OsfmReference.run(dir, "qcimage", raw.toString(), "" + img.width(), "" + img.height(), dir.toString()));
        double[] py = {json.get("tissue_pct").asDouble(), json.get("white_pct").asDouble(), json.get("pen_pct").asDouble(),
            json.get("blur_var").asDouble(), json.get("brightness_mean").asDouble(), json.get("saturation_mean").asDouble()};

        QcMasks masks = QualityMetrics.masks(img);
        QcMetrics m = QualityMetrics.compute(masks);
        assertSameBytes("HSV", masks.hsv(), Files.readAllBytes(dir.resolve("hsv.raw")), img.rgb(), 3);
        assertSameBytes("L", masks.gray(), Files.readAllBytes(dir.resolve("l.raw")), img.rgb(), 1);
        assertThat(m.tissuePct()).as("tissue_pct").isEqualTo(py[0]);
        assertThat(m.whitePct()).as("white_pct").isEqualTo(py[1]);
        assertThat(m.penPct()).as("pen_pct").isEqualTo(py[2]);
        if (py[3] == 0.0) {
            assertThat(m.blurVar()).as("blur_var").isZero();
        } else {
            assertThat(m.blurVar()).as("blur_var").isCloseTo(py[3], within(Math.abs(py[3]) * 1e-6));
        }
        assertThat(m.brightnessMean()).as("brightness_mean").isCloseTo(py[4], within(1e-9 * Math.max(1, py[4])));
        assertThat(m.saturationMean()).as("saturation_mean").isCloseTo(py[5], within(1e-9 * Math.max(1, py[5])));
        assertThat(QcOverlay.renderTissueOnly(img, masks).rgb()).as("overlay")
            .isEqualTo(Files.readAllBytes(dir.resolve("overlay.raw")));
        return m;
    }

    private static void assertSameBytes(String what, byte[] ours, byte[] pil, byte[] rgb, int channels) {
        assertThat(ours).as(what + " length").hasSameSizeAs(pil);
        int mismatch = Arrays.mismatch(ours, pil);
        if (mismatch >= 0) {
            int p = mismatch / channels;
            fail("%s differs from Pillow at pixel %d, RGB (%d, %d, %d): ours %d, Pillow %d", what, p,
                rgb[3 * p] & 0xff, rgb[3 * p + 1] & 0xff, rgb[3 * p + 2] & 0xff, ours[mismatch] & 0xff, pil[mismatch] & 0xff);
        }
    }
}
