package org.slidebatch.qc;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.RgbImage;

import static org.assertj.core.api.Assertions.assertThat;

class QcOverlayTest {

    @TempDir
    Path dir;

    /** Columns: white, pink tissue, blue ink on tissue, grey (no mask). */
    private static RgbImage fourColumns() {
        RgbImage img = TestImages.filled(4, 2, TestImages.WHITE);
        for (int y = 0; y < 2; y++) {
            TestImages.set(img, 1, y, TestImages.PINK);
            TestImages.set(img, 2, y, TestImages.BLUE_PEN);
            TestImages.set(img, 3, y, new int[] {100, 100, 100});
        }
        return img;
    }

    @Test
    void tintsEachMaskInItsColourByTruncatedBlend() {
        RgbImage img = fourColumns();
        RgbImage out = QcOverlay.render(img, QualityMetrics.masks(img));
        // white (245,245,245) -> blue: 0.35*245 = 85.75, + 0.65*255 = 251.5 -> (85, 85, 251)
        assertThat(pixel(out, 0, 1)).containsExactly(85, 85, 251);
        // pink (225,190,210) -> red: (78.75 + 165.75, 66.5, 73.5) -> (244, 66, 73)
        assertThat(pixel(out, 1, 0)).containsExactly(244, 66, 73);
        // ink (40,30,200) is tissue too, pen wins -> green: (14, 10.5 + 165.75, 70) -> (14, 176, 70)
        assertThat(pixel(out, 2, 0)).containsExactly(14, 176, 70);
        // grey is in no mask: unchanged
        assertThat(pixel(out, 3, 1)).containsExactly(100, 100, 100);
        // the input is not modified
        assertThat(pixel(img, 1, 0)).containsExactly(225, 190, 210);
    }

    @Test
    void tissueOnlyOverlayIsOpenSlideFms() {
        RgbImage img = fourColumns();
        RgbImage out = QcOverlay.renderTissueOnly(img, QualityMetrics.masks(img));
        assertThat(pixel(out, 0, 0)).containsExactly(245, 245, 245);
        assertThat(pixel(out, 1, 0)).containsExactly(244, 66, 73);
        assertThat(pixel(out, 2, 0)).containsExactly(179, 10, 70);
        assertThat(pixel(out, 3, 0)).containsExactly(100, 100, 100);
    }

    @Test
    void pngIsLosslessDeterministicAndAtomic() throws Exception {
        RgbImage img = TestImages.synthetic(97, 61, 3);
        Path a = dir.resolve("qc/thumbs/a_overlay.png");
        Path b = dir.resolve("b.png");
        QcOverlay.writePng(a, img);
        QcOverlay.writePng(b, img);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        BufferedImage back = ImageIO.read(a.toFile());
        assertThat(RgbImage.fromBufferedImage(back).rgb()).isEqualTo(img.rgb());
        QcOverlay.writePng(a, TestImages.filled(3, 3, TestImages.PINK)); // overwrite in place
        assertThat(ImageIO.read(a.toFile()).getWidth()).isEqualTo(3);
        try (var files = Files.list(a.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a_overlay.png");
        }
    }

    @Test
    void jpegIsWrittenAtRequestedQuality() throws Exception {
        RgbImage img = TestImages.filled(64, 48, TestImages.PINK);
        Path q90 = dir.resolve("q90.jpg");
        Path q30 = dir.resolve("q30.jpg");
        QcOverlay.writeJpeg(q90, img, 0.90f);
        QcOverlay.writeJpeg(q30, img, 0.30f);
        BufferedImage back = ImageIO.read(q90.toFile());
        assertThat(back.getWidth()).isEqualTo(64);
        assertThat(back.getHeight()).isEqualTo(48);
        int rgb = back.getRGB(10, 10);
        assertThat((rgb >> 16) & 0xff).isBetween(220, 230);
        assertThat(Files.size(q30)).isLessThanOrEqualTo(Files.size(q90));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("q90.jpg", "q30.jpg");
        }
    }

    private static int[] pixel(RgbImage img, int x, int y) {
        return new int[] {img.red(x, y), img.green(x, y), img.blue(x, y)};
    }
}
