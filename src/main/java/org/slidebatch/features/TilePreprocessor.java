package org.slidebatch.features;

import org.slidebatch.slide.PilImaging;
import org.slidebatch.slide.RgbImage;

/**
 * A tile as the model sees it, as OpenSlideFM NB05 prepares it with torchvision on a PIL image:
 * {@code Resize((224, 224), BILINEAR)} (Pillow's antialiased bilinear, {@link PilImaging}) → {@code ToTensor}
 * (÷ 255 in float32) → {@code Normalize} (ImageNet mean and std, float32), written as planar CHW floats into a
 * batch buffer.
 */
public final class TilePreprocessor {

    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    private TilePreprocessor() {
    }

    /** Writes 3×size×size floats of {@code tile} at {@code offset} of {@code batch}. */
    public static void normalizeInto(RgbImage tile, int size, float[] batch, int offset) {
        byte[] rgb = resize(tile, size);
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float v = (rgb[i * 3 + c] & 0xff) / 255f;
                batch[offset + c * plane + i] = (v - MEAN[c]) / STD[c];
            }
        }
    }

    /** torchvision {@code Resize((size, size), BILINEAR)} on a PIL image: the pixels unchanged when already that size. */
    static byte[] resize(RgbImage tile, int size) {
        return PilImaging.resize(tile, size, size, PilImaging.Filter.BILINEAR).rgb();
    }
}
