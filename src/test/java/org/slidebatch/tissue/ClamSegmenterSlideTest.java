package org.slidebatch.tissue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One run on the test slide CMU-1-Small-Region.svs (skipped when OpenSlide is absent).
 *
 * <p>The file is a single-level 2220 × 2967 crop, so CLAM segments level 0 with downsample 1 and
 * scaled_ref_patch_area = 512² = 262144: clam-tcga's a_t = 16 then asks for more than 4.19 M px² of tissue in
 * one contour, more than this crop has (~2.5 M px), and CLAM keeps no contour although the mask has tissue.
 * We check exactly that, and that a preset with a_t = 1 (clam-bwh-biopsy) keeps the tissue.
 */
class ClamSegmenterSlideTest {

    private static Path slide() {
        return org.slidebatch.slide.TestSlides.slide("CMU-1-Small-Region.svs");
    }

    @Test
    void cmuSmallRegion(@TempDir Path dir) throws Exception {
        Path file = slide();
        assumeTrue(OpenSlideReader.isAvailable(), "OpenSlide not installed");
        ClamSegmenter segmenter = new ClamSegmenter();
        try (OpenSlideReader reader = OpenSlideReader.open(file)) {
            TissueSegmentation tcga = run(segmenter, reader, "clam-tcga");
            TissueSegmentation defaults = run(segmenter, reader, "default");
            TissueSegmentation biopsy = run(segmenter, reader, "clam-bwh-biopsy");
            run(segmenter, reader, "gpfm-tcga");

            for (TissueSegmentation seg : new TissueSegmentation[] {tcga, defaults, biopsy}) {
                assertThat(seg.segLevel()).isZero();
                assertThat(seg.segDownsampleX()).isEqualTo(1.0);
                assertThat(seg.maskWidth()).isEqualTo(2220);
                assertThat(seg.maskHeight()).isEqualTo(2967);
            }
            // clam-tcga and the defaults share sthresh 8, mthresh 7, close 4: the same mask, with tissue in it.
            assertThat(tcga.mask()).isEqualTo(defaults.mask());
            double maskFraction = TestImages.count(tcga.mask()) / (double) tcga.mask().length;
            assertThat(maskFraction).isBetween(0.2, 0.6);
            // ... but every contour is below a_t × 512² at downsample 1, as in CLAM.
            assertThat(tcga.contours()).isEmpty();
            assertThat(defaults.contours()).isEmpty();
            // a_t = 1 reference patch keeps the tissue.
            assertThat(biopsy.contours()).isNotEmpty();
            assertThat(biopsy.tissueFraction()).isBetween(0.2, 0.7);

            TissueOutputs.writeGeoJson(dir.resolve("cmu.geojson"), biopsy);
            TissueOutputs.writeMaskPng(dir.resolve("cmu.png"), biopsy);
            assertThat(Files.size(dir.resolve("cmu.geojson"))).isPositive();
            String dump = System.getProperty("slidebatch.tissue.dump");
            if (dump != null) {
                TissueOutputs.writeGeoJson(Path.of(dump, "CMU-1-Small-Region.geojson"), biopsy);
                TissueOutputs.writeMaskPng(Path.of(dump, "CMU-1-Small-Region.png"), biopsy);
            }
        }
    }

    private static TissueSegmentation run(ClamSegmenter segmenter, OpenSlideReader reader, String preset) {
        long t0 = System.nanoTime();
        TissueSegmentation seg = segmenter.segment("CMU-1-Small-Region", reader, ClamPresets.resolve(preset, Map.of()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("CMU-1-Small-Region %s: seg level %d (%dx%d, ds %.4f x %.4f), %d contours, %d holes, "
                + "tissue fraction %.4f, mask fraction %.4f, %.3f s%n", preset, seg.segLevel(), seg.maskWidth(),
            seg.maskHeight(), seg.segDownsampleX(), seg.segDownsampleY(), seg.contours().size(), seg.holeCount(),
            seg.tissueFraction(), TestImages.count(seg.mask()) / (double) seg.mask().length, seconds);
        return seg;
    }
}
