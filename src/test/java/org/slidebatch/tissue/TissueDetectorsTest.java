package org.slidebatch.tissue;

import org.junit.jupiter.api.Test;
import org.slidebatch.slide.RgbImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.slidebatch.tissue.TestImages.PINK;
import static org.slidebatch.tissue.TestImages.WHITE;

class TissueDetectorsTest {

    private static int at(byte[] mask, RgbImage img, int x, int y) {
        return mask[y * img.width() + x] & 0xff;
    }

    @Test
    void otsuFindsDarkTissueAndDropsSmallComponents() {
        RgbImage img = TestImages.filled(400, 300, WHITE);
        TestImages.disc(img, 150, 150, 80, PINK);
        // 5×5 dark speck = 25 px < int(120000 × 0.001) = 120 px: dropped.
        TestImages.rect(img, 350, 30, 355, 35, new int[] {40, 40, 40});
        // 15×15 = 225 px > 120: kept.
        TestImages.rect(img, 330, 250, 345, 265, new int[] {40, 40, 40});
        byte[] mask = new OtsuTissueDetector().detect(img);
        assertThat(mask).hasSize(400 * 300);
        assertThat(at(mask, img, 150, 150)).isEqualTo(255);
        assertThat(at(mask, img, 5, 5)).isZero();
        assertThat(at(mask, img, 352, 32)).isZero();
        assertThat(at(mask, img, 337, 257)).isEqualTo(255);
        // Without the component filter the speck stays.
        assertThat(at(new OtsuTissueDetector(7, 5, 0).detect(img), img, 352, 32)).isEqualTo(255);
    }

    @Test
    void hsvUsesOpenCvHueScale() {
        RgbImage img = TestImages.filled(4, 1, WHITE);
        TestImages.set(img, 0, 0, PINK);                      // H ≈ 160 (320°), S 191, V 200: tissue
        TestImages.set(img, 1, 0, new int[] {60, 200, 60});   // green, H = 60: not in 90–180
        TestImages.set(img, 2, 0, new int[] {60, 40, 70});    // dark purple, V = 70 < 103: not tissue
        // index 3 stays white: S = 0 < 8
        byte[] mask = new HsvTissueDetector().detect(img);
        assertThat(mask).containsExactly((byte) 255, (byte) 0, (byte) 0, (byte) 0);
        assertThatThrownBy(() -> new HsvTissueDetector(90, 200, 8, 255, 103, 255)).hasMessageContaining("hue");
    }

    @Test
    void combinedIsTheIntersection() {
        RgbImage img = TestImages.filled(300, 200, WHITE);
        TestImages.disc(img, 80, 100, 50, PINK);                        // both say tissue
        TestImages.disc(img, 220, 100, 50, new int[] {70, 110, 70});    // dark green: Otsu yes, HSV no
        byte[] otsu = new OtsuTissueDetector().detect(img);
        byte[] hsv = new HsvTissueDetector().detect(img);
        byte[] both = CombinedTissueDetector.otsuAndHsv().detect(img);
        assertThat(at(otsu, img, 220, 100)).isEqualTo(255);
        assertThat(at(hsv, img, 220, 100)).isZero();
        assertThat(at(both, img, 220, 100)).isZero();
        assertThat(at(both, img, 80, 100)).isEqualTo(255);
        for (int i = 0; i < both.length; i++) {
            assertThat(both[i]).isEqualTo((otsu[i] != 0 && hsv[i] != 0) ? (byte) 255 : (byte) 0);
        }
        assertThatThrownBy(() -> new CombinedTissueDetector(java.util.List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OtsuTissueDetector(6, 5, 0.001)).hasMessageContaining("blur_ksize");
    }
}
