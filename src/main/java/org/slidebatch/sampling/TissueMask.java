package org.slidebatch.sampling;

/**
 * A binary tissue mask of a slide thumbnail and wsistream's {@code TissueMask} arithmetic on it: one scalar
 * downsample (the larger of the two thumbnail downsamples), a level-0 rectangle maps to
 * {@code [int(x/ds), int(x/ds) + max(1, int(w/ds)))} clipped to the mask, and its tissue fraction is the mean of
 * the mask there (0 for an empty region). A patch passes a threshold when fraction ≥ threshold (inclusive).
 */
public final class TissueMask {

    private final int width;
    private final int height;
    private final byte[] tissue; // 0 or 1
    private final double downsample;
    private final long slideWidth;
    private final long slideHeight;
    private final long tissuePixels;

    /** @param mask width × height bytes, any non-zero value is tissue */
    public TissueMask(int width, int height, byte[] mask, double downsample, long slideWidth, long slideHeight) {
        if (mask.length != width * height) {
            throw new IllegalArgumentException("mask has " + mask.length + " bytes, expected " + width + "x" + height);
        }
        if (!(downsample > 0)) {
            throw new IllegalArgumentException("downsample must be > 0, got " + downsample);
        }
        this.width = width;
        this.height = height;
        this.downsample = downsample;
        this.slideWidth = slideWidth;
        this.slideHeight = slideHeight;
        this.tissue = new byte[mask.length];
        long n = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                tissue[i] = 1;
                n++;
            }
        }
        this.tissuePixels = n;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public double downsample() {
        return downsample;
    }

    public long slideWidth() {
        return slideWidth;
    }

    public long slideHeight() {
        return slideHeight;
    }

    public boolean isTissue(int mx, int my) {
        return tissue[my * width + mx] != 0;
    }

    /** Fraction of mask pixels that are tissue (wsistream's {@code TissueMask.tissue_fraction}). */
    public double tissueFraction() {
        return tissue.length == 0 ? 0.0 : (double) tissuePixels / tissue.length;
    }

    public boolean hasTissue() {
        return tissuePixels > 0;
    }

    /** Tissue fraction of a level-0 rectangle (wsistream's {@code tissue_fraction_at}). */
    public double fractionAt(long x, long y, long w, long h) {
        int mx = (int) (x / downsample);
        int my = (int) (y / downsample);
        int mw = Math.max(1, (int) (w / downsample));
        int mh = Math.max(1, (int) (h / downsample));
        mx = Math.min(mx, width - 1);
        my = Math.min(my, height - 1);
        int mx2 = Math.min(mx + mw, width);
        int my2 = Math.min(my + mh, height);
        if (mx < 0 || my < 0 || mx2 <= mx || my2 <= my) {
            return 0.0;
        }
        long sum = 0;
        for (int yy = my; yy < my2; yy++) {
            int row = yy * width;
            for (int xx = mx; xx < mx2; xx++) {
                sum += tissue[row + xx];
            }
        }
        return (double) sum / ((long) (mx2 - mx) * (my2 - my));
    }

    /** fraction ≥ threshold: the threshold itself passes (SPEC §5). */
    public boolean containsTissue(long x, long y, long w, long h, double threshold) {
        return fractionAt(x, y, w, h) >= threshold;
    }
}
