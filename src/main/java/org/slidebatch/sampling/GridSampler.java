package org.slidebatch.sampling;

import java.util.List;

import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.PixelCalibration;

/**
 * wsistream's {@code GridSampler} (SPEC §5): every patch of a grid with {@code stride} (default the patch size:
 * non-overlapping) at {@code level}, in scan order (rows top to bottom, each left to right), from (0, 0) to
 * {@code W − p0} inclusive, kept when the tissue fraction is ≥ {@code tissueThreshold}. Each visit starts again
 * at the top left, as wsistream does (with a finite budget per visit it keeps the same subset).
 */
public record GridSampler(int patchSize, int level, int stride, double tissueThreshold) implements Sampler {

    public GridSampler {
        if (patchSize < 1) {
            throw new IllegalArgumentException("patch_size must be >= 1, got " + patchSize);
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be >= 1, got " + stride);
        }
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, got " + level);
        }
        if (!(tissueThreshold >= 0 && tissueThreshold <= 1)) {
            throw new IllegalArgumentException("tissue_threshold must be in [0, 1], got " + tissueThreshold);
        }
    }

    /** Non-overlapping: stride = patch size. */
    public GridSampler(int patchSize, int level, double tissueThreshold) {
        this(patchSize, level, patchSize, tissueThreshold);
    }

    @Override
    public int resolveLevel(List<LevelInfo> levels, PixelCalibration calibration, Double assumeMpp) {
        Sampler.checkLevel(levels, level);
        return level;
    }

    @Override
    public Visit start(VisitContext c) {
        double ds = c.levels().get(c.level()).downsample();
        long p0 = (long) (patchSize * ds);
        long s0 = Math.max(1, (long) (stride * ds));
        long w = c.levels().getFirst().width();
        long h = c.levels().getFirst().height();
        if (w - p0 < 0 || h - p0 < 0) {
            return RandomSampler.exhausted("slide_too_small");
        }
        TissueMask mask = c.mask();
        return new Sampler.Visit() {
            long x = 0;
            long y = 0;
            boolean any;
            String reason;

            @Override
            public PatchCoordinate next() {
                while (reason == null) {
                    if (y > h - p0) {
                        reason = any ? "grid_done" : "no_tissue";
                        break;
                    }
                    long cx = x;
                    long cy = y;
                    x += s0;
                    if (x > w - p0) {
                        x = 0;
                        y += s0;
                    }
                    double f = mask.fractionAt(cx, cy, p0, p0);
                    if (f >= tissueThreshold) {
                        any = true;
                        return new PatchCoordinate(cx, cy, c.level(), patchSize, p0, c.levelMpp(), f);
                    }
                }
                return null;
            }

            @Override
            public String exhaustedReason() {
                return reason;
            }
        };
    }

    /** Level-0 top-left corners ({@code y << 32 | x}) of the passing cells of a grid, in scan order. */
    static long[] cells(TissueMask mask, long width, long height, long p0, long step, double threshold) {
        long[] out = new long[16];
        int n = 0;
        for (long y = 0; y <= height - p0; y += step) {
            for (long x = 0; x <= width - p0; x += step) {
                if (mask.containsTissue(x, y, p0, p0, threshold)) {
                    if (n == out.length) {
                        out = java.util.Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = (y << 32) | x;
                }
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
