package org.slidebatch.sampling;

import java.util.List;
import java.util.SplittableRandom;

import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.PixelCalibration;

/**
 * wsistream's {@code RandomSampler} (SPEC §5): rejection sampling of uniform level-0 positions
 * {@code x ∈ [0, W − p0]}, {@code y ∈ [0, H − p0]} ({@code p0 = int(patchSize · downsample)}) until the mask's
 * tissue fraction over the patch is ≥ {@code tissueThreshold}; a visit ends when {@code maxRetries} draws in a
 * row fail or {@code numPatches} (−1 = no limit) were proposed.
 *
 * <p>Level: {@code targetMpp} (nullable) → the level whose µm/px is nearest ({@link Sampler#nearestLevel});
 * a slide without µm/px then fails with {@code mpp_missing} unless an {@code assume_mpp} is configured
 * (⚠ wsistream silently falls back to level 0). Without it, {@code level} is used as is.
 *
 * <p>{@code withReplacement = false}: the non-overlapping grid of patches at that level whose tissue fraction
 * passes, shuffled once per epoch from the root seed; the position in it persists across visits, so every cell
 * is proposed exactly once before any repeats (a visit that reaches the end leaves the pool; the next visit
 * starts a new epoch with a new shuffle).
 */
public record RandomSampler(int patchSize, int numPatches, int level, Double targetMpp, double tissueThreshold,
                            int maxRetries, boolean withReplacement) implements Sampler {

    public RandomSampler {
        if (patchSize < 1) {
            throw new IllegalArgumentException("patch_size must be >= 1, got " + patchSize);
        }
        if (numPatches < -1 || numPatches == 0) {
            throw new IllegalArgumentException("num_patches must be -1 (infinite) or >= 1, got " + numPatches);
        }
        if (targetMpp != null && !(targetMpp > 0)) {
            throw new IllegalArgumentException("target_mpp must be > 0, got " + targetMpp);
        }
        if (maxRetries < 1) {
            throw new IllegalArgumentException("max_retries must be >= 1, got " + maxRetries);
        }
        if (!(tissueThreshold >= 0 && tissueThreshold <= 1)) {
            throw new IllegalArgumentException("tissue_threshold must be in [0, 1], got " + tissueThreshold);
        }
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, got " + level);
        }
    }

    /** wsistream's defaults: 256 px, infinite, level 0, no target µm/px, threshold 0.4, 50 retries, with replacement. */
    public static RandomSampler defaults() {
        return new RandomSampler(256, -1, 0, null, 0.4, 50, true);
    }

    @Override
    public int resolveLevel(List<LevelInfo> levels, PixelCalibration calibration, Double assumeMpp) {
        int chosen;
        if (targetMpp != null) {
            Double mpp = calibration != null && calibration.isKnown() ? Double.valueOf(calibration.mpp()) : assumeMpp;
            if (mpp == null) {
                throw new SlideFailureException("mpp_missing", "target_mpp " + targetMpp
                    + " is set but the slide has no µm/px (mpp_missing); configure assume_mpp to stream it anyway");
            }
            chosen = Sampler.nearestLevel(levels, mpp, targetMpp);
        } else {
            chosen = level;
        }
        Sampler.checkLevel(levels, chosen);
        return chosen;
    }

    @Override
    public Visit start(VisitContext c) {
        double ds = c.levels().get(c.level()).downsample();
        long p0 = (long) (patchSize * ds);
        long maxX = c.levels().getFirst().width() - p0;
        long maxY = c.levels().getFirst().height() - p0;
        if (maxX < 0 || maxY < 0) {
            return exhausted("slide_too_small");
        }
        if (!withReplacement) {
            return new GridCellsVisit(c, GridSampler.cells(c.mask(), c.levels().getFirst().width(),
                c.levels().getFirst().height(), p0, p0, tissueThreshold), p0, patchSize, numPatches);
        }
        TissueMask mask = c.mask();
        SplittableRandom rng = c.rng();
        return new Visit() {
            int count;
            String reason;

            @Override
            public PatchCoordinate next() {
                if (reason != null) {
                    return null;
                }
                if (numPatches != -1 && count >= numPatches) {
                    reason = "num_patches";
                    return null;
                }
                if (!mask.hasTissue()) {
                    reason = "no_tissue";
                    return null;
                }
                for (int i = 0; i < maxRetries; i++) {
                    long x = rng.nextLong(maxX + 1);
                    long y = rng.nextLong(maxY + 1);
                    double f = mask.fractionAt(x, y, p0, p0);
                    if (f >= tissueThreshold) {
                        count++;
                        return new PatchCoordinate(x, y, c.level(), patchSize, p0, c.levelMpp(), f);
                    }
                }
                reason = count == 0 ? "no_tissue" : "max_retries";
                return null;
            }

            @Override
            public String exhaustedReason() {
                return reason;
            }
        };
    }

    static Visit exhausted(String why) {
        return new Visit() {
            @Override
            public PatchCoordinate next() {
                return null;
            }

            @Override
            public String exhaustedReason() {
                return why;
            }
        };
    }

    /** Without replacement: a per-epoch shuffle of the passing grid cells, position kept in the slide's state. */
    private static final class GridCellsVisit implements Visit {
        private final VisitContext c;
        private final long[] cells; // y << 32 | x, level-0
        private final long p0;
        private final int patchSize;
        private final int numPatches;
        private int count;
        private String reason;

        GridCellsVisit(VisitContext c, long[] scanOrder, long p0, int patchSize, int numPatches) {
            this.c = c;
            this.p0 = p0;
            this.patchSize = patchSize;
            this.numPatches = numPatches;
            this.cells = scanOrder.clone();
            SplittableRandom shuffle = new SplittableRandom(Seeds.derive(c.rootSeed(), Seeds.GRID, c.slideIndex(),
                c.state().epoch));
            for (int i = cells.length - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                long t = cells[i];
                cells[i] = cells[j];
                cells[j] = t;
            }
            if (c.state().cursor > cells.length) {
                c.state().cursor = 0;
            }
        }

        @Override
        public PatchCoordinate next() {
            if (reason != null) {
                return null;
            }
            if (cells.length == 0) {
                reason = "no_tissue";
                return null;
            }
            if (numPatches != -1 && count >= numPatches) {
                reason = "num_patches";
                return null;
            }
            Sampler.SlideState s = c.state();
            if (s.cursor >= cells.length) {
                s.epoch++;
                s.cursor = 0;
                reason = "grid_done";
                return null;
            }
            long cell = cells[s.cursor++];
            count++;
            long x = cell & 0xFFFFFFFFL;
            long y = cell >>> 32;
            return new PatchCoordinate(x, y, c.level(), patchSize, p0, c.levelMpp(), c.mask().fractionAt(x, y, p0, p0));
        }

        @Override
        public String exhaustedReason() {
            return reason;
        }
    }
}
