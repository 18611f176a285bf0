package org.slidebatch.sampling;

import java.util.SplittableRandom;

import org.slidebatch.slide.RgbImage;

/** wsistream's {@code ResizeTransform}: bilinear ({@code cv2.INTER_LINEAR}) to size × size; a no-op at that size. */
public record Resize(int size) implements PatchTransform {

    public Resize {
        if (size < 1) {
            throw new IllegalArgumentException("resize size must be >= 1, got " + size);
        }
    }

    @Override
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        if (image.width() == size && image.height() == size) {
            return image;
        }
        return Images.cropResize(image, 0, 0, image.width(), image.height(), size, size);
    }

    @Override
    public String spec() {
        return "resize:" + size;
    }
}
