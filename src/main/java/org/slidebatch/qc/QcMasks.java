package org.slidebatch.qc;

/**
 * Per-pixel QC planes of one thumbnail, row-major, one byte per pixel except {@code hsv} (interleaved H, S, V).
 * Masks use OpenCV's convention: {@code 0} = false, {@code (byte) 255} = true. {@code hsv} and {@code gray} are
 * Pillow's {@code HSV} and {@code L} conversions of the thumbnail (see {@link PilColor}). Arrays are shared, not
 * copied: treat them as read-only.
 *
 * @param tissue  {@code S ≥ 20 ∧ V < 230}
 * @param white   {@code V ≥ 230 ∧ S ≤ 30}
 * @param pen     ink under {@code penRule} (OpenSlideFM's rule by default)
 */
public record QcMasks(int width, int height, byte[] hsv, byte[] gray, byte[] tissue, byte[] white, byte[] pen,
                      PenRule penRule) {

    public QcMasks {
        int n = width * height;
        if (hsv.length != n * 3 || gray.length != n || tissue.length != n || white.length != n || pen.length != n) {
            throw new IllegalArgumentException("QC planes do not match " + width + "x" + height);
        }
    }

    public int pixelCount() {
        return width * height;
    }

    public boolean isTissue(int x, int y) {
        return tissue[y * width + x] != 0;
    }

    public boolean isWhite(int x, int y) {
        return white[y * width + x] != 0;
    }

    public boolean isPen(int x, int y) {
        return pen[y * width + x] != 0;
    }
}
