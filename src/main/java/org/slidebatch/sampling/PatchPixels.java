package org.slidebatch.sampling;

import org.slidebatch.slide.RgbImage;

/**
 * The pixels of a patch or a view: 8-bit RGB, or a normalised float32 CHW tensor together with the
 * normalisation that made it (so it can be shown). Exactly one of {@code rgb} and {@code tensor} is set.
 */
public record PatchPixels(RgbImage rgb, FloatTensor tensor, Normalization normalization) {

    public PatchPixels {
        if ((rgb == null) == (tensor == null)) {
            throw new IllegalArgumentException("exactly one of rgb and tensor must be set");
        }
        if (tensor != null && normalization == null) {
            throw new IllegalArgumentException("a tensor needs the normalisation that made it");
        }
    }

    public static PatchPixels of(RgbImage rgb) {
        return new PatchPixels(rgb, null, null);
    }

    public static PatchPixels of(RgbImage image, Normalization normalization) {
        return normalization == null ? of(image) : new PatchPixels(null, normalization.apply(image), normalization);
    }

    public int width() {
        return rgb != null ? rgb.width() : tensor.width();
    }

    public int height() {
        return rgb != null ? rgb.height() : tensor.height();
    }

    public boolean isTensor() {
        return tensor != null;
    }

    /** 8-bit RGB for display: the image itself, or the tensor de-normalised. */
    public RgbImage displayRgb() {
        return rgb != null ? rgb : normalization.invert(tensor);
    }
}
