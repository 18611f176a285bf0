package org.slidebatch.qc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.slidebatch.slide.RgbImage;
import org.slidebatch.workspace.AtomicFiles;

/**
 * QC overlays and their encoding. Tinting follows OpenSlideFM NB03: where a mask is set,
 * {@code out = 0.35·img + 0.65·colour} computed in double and truncated to uint8 (NumPy
 * {@code astype(np.uint8)}); elsewhere the pixel is unchanged. OpenCV's {@code addWeighted} rounds rather than
 * truncates, hence the explicit loop. Colours (our choice): tissue red (255, 0, 0) as in OpenSlideFM, pen green
 * (0, 255, 0), white background blue (0, 0, 255). Each pixel is tinted once, from the original, by the first
 * matching mask in the order pen, tissue, white (tissue and white are disjoint by definition; pen usually lies
 * on tissue and must stay visible there).
 */
public final class QcOverlay {

    private static final int[] TISSUE_COLOUR = {255, 0, 0};
    private static final int[] PEN_COLOUR = {0, 255, 0};
    private static final int[] WHITE_COLOUR = {0, 0, 255};
    static final double IMAGE_WEIGHT = 0.35;
    static final double COLOUR_WEIGHT = 0.65;

    private QcOverlay() {
    }

    /** Tissue, pen and white masks tinted in one image. */
    public static RgbImage render(RgbImage thumb, QcMasks masks) {
        requireSameSize(thumb, masks.width(), masks.height());
        byte[] src = thumb.rgb();
        byte[] out = src.clone();
        byte[] pen = masks.pen();
        byte[] tissue = masks.tissue();
        byte[] white = masks.white();
        for (int p = 0, i = 0; p < pen.length; p++, i += 3) {
            int[] c = pen[p] != 0 ? PEN_COLOUR : tissue[p] != 0 ? TISSUE_COLOUR : white[p] != 0 ? WHITE_COLOUR : null;
            if (c != null) {
                blend(src, out, i, c);
            }
        }
        return new RgbImage(thumb.width(), thumb.height(), out);
    }

    /** OpenSlideFM's exact {@code _overlay.jpg} pixels: the tissue mask alone tinted red. */
    public static RgbImage renderTissueOnly(RgbImage thumb, QcMasks masks) {
        requireSameSize(thumb, masks.width(), masks.height());
        return tint(thumb, masks.tissue(), 255, 0, 0);
    }

    /** Single-mask overlay: {@code mask} (non-zero = set, one byte per pixel) tinted in colour (r, g, b). */
    public static RgbImage tint(RgbImage thumb, byte[] mask, int r, int g, int b) {
        int[] colour = {r, g, b};
        for (int c : colour) {
            if (c < 0 || c > 255) {
                throw new IllegalArgumentException("colour channel out of range: " + c);
            }
        }
        if (mask.length != thumb.width() * thumb.height()) {
            throw new IllegalArgumentException("mask or colour does not fit a " + thumb.width() + "x" + thumb.height() + " RGB image");
        }
        byte[] src = thumb.rgb();
        byte[] out = src.clone();
        for (int p = 0, i = 0; p < mask.length; p++, i += 3) {
            if (mask[p] != 0) {
                blend(src, out, i, colour);
            }
        }
        return new RgbImage(thumb.width(), thumb.height(), out);
    }

    /** PNG through {@link AtomicFiles}; ImageIO writes no timestamp, so equal pixels give equal bytes. */
    public static void writePng(Path target, RgbImage image) throws IOException {
        AtomicFiles.write(target, out -> {
            if (!ImageIO.write(image.toBufferedImage(), "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** Baseline JPEG at {@code quality} in [0, 1] (OpenSlideFM uses 90 → 0.90f) through {@link AtomicFiles}. */
    public static void writeJpeg(Path target, RgbImage image, float quality) throws IOException {
        if (!(quality >= 0f && quality <= 1f)) {
            throw new IllegalArgumentException("JPEG quality must be in [0, 1], got " + quality);
        }
        AtomicFiles.write(target, out -> {
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
            if (!writers.hasNext()) {
                throw new IOException("no JPEG writer available");
            }
            ImageWriter writer = writers.next();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
                writer.write(null, new IIOImage(image.toBufferedImage(), null, null), param);
            } finally {
                writer.dispose();
            }
        });
    }

    private static void blend(byte[] src, byte[] out, int i, int[] c) {
        for (int k = 0; k < 3; k++) {
            // Same operation order as NumPy: 0.35*img + (0.65*colour), both in float64, then truncation.
            out[i + k] = (byte) (int) (IMAGE_WEIGHT * (src[i + k] & 0xff) + COLOUR_WEIGHT * c[k]);
        }
    }

    private static void requireSameSize(RgbImage thumb, int w, int h) {
        if (thumb.width() != w || thumb.height() != h) {
            throw new IllegalArgumentException("masks are " + w + "x" + h + ", image is " + thumb.width() + "x" + thumb.height());
        }
    }
}
