package org.slidebatch.sampling;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slidebatch.slide.RgbImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RandomResizedCropTest {

    private static final int DRAWS = 20_000;

    @Test
    void localCropsFollowScaleAndLogUniformRatio() {
        RandomResizedCrop crop = new RandomResizedCrop(98, 0.05, 0.32);
        SplittableRandom rng = new SplittableRandom(42);
        int n = 512;
        double sumScale = 0;
        double sumLogRatio = 0;
        int belowMidScale = 0;
        int negativeLogRatio = 0;
        double minScale = 1;
        double maxScale = 0;
        for (int i = 0; i < DRAWS; i++) {
            RandomResizedCrop.Box b = crop.sample(n, n, rng);
            assertThat(b.x()).isBetween(0, n - b.width());
            assertThat(b.y()).isBetween(0, n - b.height());
            double scale = (double) b.width() * b.height() / (n * n);
            double logRatio = Math.log((double) b.width() / b.height());
            // rounding w and h to whole pixels moves the area and ratio by well under 3 %
            assertThat(scale).isBetween(0.05 * 0.97, 0.32 * 1.03);
            assertThat(logRatio).isBetween(Math.log(3.0 / 4) - 0.03, Math.log(4.0 / 3) + 0.03);
            sumScale += scale;
            sumLogRatio += logRatio;
            minScale = Math.min(minScale, scale);
            maxScale = Math.max(maxScale, scale);
            if (scale < (0.05 + 0.32) / 2) {
                belowMidScale++;
            }
            if (logRatio < 0) {
                negativeLogRatio++;
            }
        }
        // uniform area fraction: mean at the midpoint, half below it, both ends reached
        assertThat(sumScale / DRAWS).isCloseTo(0.185, within(0.004));
        assertThat(belowMidScale / (double) DRAWS).isCloseTo(0.5, within(0.02));
        assertThat(minScale).isLessThan(0.055);
        assertThat(maxScale).isGreaterThan(0.31);
        // log-uniform ratio over [log 3/4, log 4/3]: symmetric around 0
        assertThat(sumLogRatio / DRAWS).isCloseTo(0.0, within(0.005));
        assertThat(negativeLogRatio / (double) DRAWS).isCloseTo(0.5, within(0.02));
    }

    @Test
    void globalCropsStayInsideAndRarelyFallBack() {
        RandomResizedCrop crop = new RandomResizedCrop(224, 0.32, 1.0);
        SplittableRandom rng = new SplittableRandom(7);
        int fullImage = 0;
        double sumScale = 0;
        for (int i = 0; i < DRAWS; i++) {
            RandomResizedCrop.Box b = crop.sample(512, 512, rng);
            assertThat(b.width()).isBetween(1, 512);
            assertThat(b.height()).isBetween(1, 512);
            assertThat(b.x() + b.width()).isLessThanOrEqualTo(512);
            assertThat(b.y() + b.height()).isLessThanOrEqualTo(512);
            double scale = (double) b.width() * b.height() / (512.0 * 512);
            assertThat(scale).isBetween(0.32 * 0.97, 1.0);
            sumScale += scale;
            if (b.width() == 512 && b.height() == 512) {
                fullImage++;
            }
        }
        // draws near scale 1 with a ratio away from 1 do not fit and are retried: the mean falls below 0.66
        assertThat(sumScale / DRAWS).isBetween(0.55, 0.66);
        assertThat(fullImage / (double) DRAWS).isLessThan(0.01);
    }

    @Test
    void fallsBackToTorchvisionsCentreCropWithClampedRatio() {
        RandomResizedCrop crop = new RandomResizedCrop(32, 0.5, 1.0);
        SplittableRandom rng = new SplittableRandom(1);
        // no window of ≥ half the area fits a 1000×10 image with ratio ≤ 4/3: centre crop, width = round(10 · 4/3)
        assertThat(crop.sample(1000, 10, rng)).isEqualTo(new RandomResizedCrop.Box(493, 0, 13, 10));
        // tall: height = round(10 / (3/4)) = 13
        assertThat(crop.sample(10, 1000, rng)).isEqualTo(new RandomResizedCrop.Box(0, 493, 10, 13));
        // ratio 2 cannot fit the whole area of a 30×20 image: centre crop with height round(30 / 2)
        RandomResizedCrop two = new RandomResizedCrop(8, 1.0, 1.0, 2.0, 2.0);
        assertThat(two.sample(30, 20, rng)).isEqualTo(new RandomResizedCrop.Box(0, 2, 30, 15));
        // no window fits a 10×40 image (area 400, ratio ≥ 1 needs w ≥ 20): ratio clamped up to 1 → 10×10 centred
        RandomResizedCrop square = new RandomResizedCrop(8, 1.0, 1.0, 1.0, 2.0);
        assertThat(square.sample(10, 40, rng)).isEqualTo(new RandomResizedCrop.Box(0, 15, 10, 10));
    }

    @Test
    void sameRandomStreamSameCrops() {
        RandomResizedCrop crop = new RandomResizedCrop(98, 0.05, 0.32);
        SplittableRandom a = new SplittableRandom(99);
        SplittableRandom b = new SplittableRandom(99);
        for (int i = 0; i < 100; i++) {
            assertThat(crop.sample(512, 384, a)).isEqualTo(crop.sample(512, 384, b));
        }
    }

    @Test
    void applyResizesToSize() {
        RgbImage img = new RgbImage(64, 48, new byte[64 * 48 * 3]);
        RgbImage out = new RandomResizedCrop(20, 0.3, 0.6).apply(img, new SplittableRandom(3));
        assertThat(out.width()).isEqualTo(20);
        assertThat(out.height()).isEqualTo(20);
    }

    @Test
    void rejectsBadRanges() {
        assertThatThrownBy(() -> new RandomResizedCrop(10, 0.0, 0.5)).hasMessageContaining("scale");
        assertThatThrownBy(() -> new RandomResizedCrop(10, 0.6, 0.5)).hasMessageContaining("scale");
        assertThatThrownBy(() -> new RandomResizedCrop(10, 0.1, 1.5)).hasMessageContaining("scale");
        assertThatThrownBy(() -> new RandomResizedCrop(10, 0.1, 0.5, 2, 1)).hasMessageContaining("ratio");
        assertThatThrownBy(() -> new RandomResizedCrop(0, 0.1, 0.5)).hasMessageContaining("size");
    }
}
