package org.slidebatch.tissue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.RgbImage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.slidebatch.tissue.TestImages.PINK;
import static org.slidebatch.tissue.TestImages.WHITE;

class TissueOutputsTest {

    private static TissueSegmentation twoRegions() {
        RgbImage img = TestImages.filled(300, 200, WHITE);
        TestImages.disc(img, 80, 100, 60, PINK);
        TestImages.disc(img, 80, 100, 20, WHITE);
        TestImages.rect(img, 180, 40, 280, 160, PINK);
        return ClamSegmenter.segmentImage("slide \"A\"", img, 2, 32.0, 32.0, 300 * 32, 200 * 32,
            ClamPresets.resolve("clam-tcga", Map.of()));
    }

    @Test
    void geoJsonIsWellFormedClosedAndDeterministic(@TempDir Path dir) throws Exception {
        TissueSegmentation seg = twoRegions();
        assertThat(seg.contours()).hasSize(2);
        Path a = dir.resolve("tissue/a.geojson");
        Path b = dir.resolve("tissue/b.geojson");
        TissueOutputs.writeGeoJson(a, seg);
        TissueOutputs.writeGeoJson(b, twoRegions());
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        try (var files = Files.list(a.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("a.geojson", "b.geojson");
        }

        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(a));
        assertThat(root.get("type").asString()).isEqualTo("FeatureCollection");
        JsonNode features = root.get("features");
        assertThat(features.size()).isEqualTo(2);
        for (int f = 0; f < features.size(); f++) {
            JsonNode feature = features.get(f);
            TissueContour contour = seg.contours().get(f);
            assertThat(feature.get("type").asString()).isEqualTo("Feature");
            assertThat(feature.get("properties").get("objectType").asString()).isEqualTo("annotation");
            assertThat(feature.get("properties").get("classification").get("name").asString()).isEqualTo("Tissue");
            assertThat(feature.get("properties").get("slideId").asString()).isEqualTo("slide \"A\"");
            JsonNode geometry = feature.get("geometry");
            assertThat(geometry.get("type").asString()).isEqualTo("Polygon");
            JsonNode rings = geometry.get("coordinates");
            assertThat(rings.size()).isEqualTo(1 + contour.holes().size());
            for (int r = 0; r < rings.size(); r++) {
                int[][] expected = r == 0 ? contour.outer() : contour.holes().get(r - 1);
                JsonNode ring = rings.get(r);
                assertThat(ring.size()).isEqualTo(expected.length + 1).isGreaterThanOrEqualTo(4);
                assertThat(ring.get(0)).isEqualTo(ring.get(ring.size() - 1));
                for (int i = 0; i < expected.length; i++) {
                    assertThat(ring.get(i).get(0).intValue()).isEqualTo(expected[i][0]);
                    assertThat(ring.get(i).get(1).intValue()).isEqualTo(expected[i][1]);
                }
            }
        }
        long holes = seg.contours().stream().mapToLong(c -> c.holes().size()).sum();
        assertThat(holes).isEqualTo(1);
    }

    @Test
    void contoursReadBackEqualTheWrittenOnes(@TempDir Path dir) throws Exception {
        TissueSegmentation seg = twoRegions();
        Path file = dir.resolve("t.geojson");
        TissueOutputs.writeGeoJson(file, seg);
        List<TissueContour> back = TissueOutputs.readContours(file);
        assertThat(back).hasSize(seg.contours().size());
        for (int i = 0; i < back.size(); i++) {
            assertThat(back.get(i).outer()).isDeepEqualTo(seg.contours().get(i).outer());
            assertThat(back.get(i).holes()).hasSize(seg.contours().get(i).holes().size());
            for (int h = 0; h < back.get(i).holes().size(); h++) {
                assertThat(back.get(i).holes().get(h)).isDeepEqualTo(seg.contours().get(i).holes().get(h));
            }
        }
        Files.writeString(dir.resolve("bad.geojson"), "{not json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TissueOutputs.readContours(dir.resolve("bad.geojson")))
            .isInstanceOf(java.io.IOException.class).hasMessageContaining("bad.geojson");
    }

    @Test
    void noTissueWritesAnEmptyFeatureCollection(@TempDir Path dir) throws Exception {
        TissueSegmentation seg = ClamSegmenter.segmentImage("blank", TestImages.filled(50, 40, WHITE),
            ClamPresets.resolve("clam-tcga", Map.of()));
        Path out = dir.resolve("blank.geojson");
        TissueOutputs.writeGeoJson(out, seg);
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(out));
        assertThat(root.get("features").size()).isZero();
    }

    @Test
    void maskPngIsGreyDeterministicAndEqualsTheMask(@TempDir Path dir) throws Exception {
        TissueSegmentation seg = twoRegions();
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        TissueOutputs.writeMaskPng(a, seg);
        TissueOutputs.writeMaskPng(b, twoRegions());
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        BufferedImage png = ImageIO.read(a.toFile());
        assertThat(png.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(png.getWidth()).isEqualTo(seg.maskWidth());
        assertThat(png.getHeight()).isEqualTo(seg.maskHeight());
        byte[] back = new byte[seg.maskWidth() * seg.maskHeight()];
        png.getRaster().getDataElements(0, 0, seg.maskWidth(), seg.maskHeight(), back);
        assertThat(back).isEqualTo(seg.mask());
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).hasSize(2); // no temporary files left behind
        }
        assertThat(List.of(seg.mask()[100 * 300 + 30], seg.mask()[100 * 300 + 80])).containsExactly((byte) 255, (byte) 0);
    }
}
