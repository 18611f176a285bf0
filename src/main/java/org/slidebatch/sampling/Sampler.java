package org.slidebatch.sampling;

import java.util.List;
import java.util.SplittableRandom;

import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.PixelCalibration;

/**
 * Proposes level-0 patch coordinates on one slide visit (SPEC §5). A stream calls {@link #resolveLevel} when
 * it opens a slide (a failure there fails the slide), then {@link #start} once per visit.
 */
public sealed interface Sampler permits RandomSampler, GridSampler {

    int patchSize();

    double tissueThreshold();

    /**
     * The pyramid level this sampler reads on a slide.
     *
     * @param calibration the slide's µm/px; {@code assumeMpp} (nullable) stands in for a missing one
     * @throws SlideFailureException {@code mpp_missing} when a target µm/px is set and the slide has none and
     *                               none is assumed; {@code bad_level} when the level does not exist
     */
    int resolveLevel(List<LevelInfo> levels, PixelCalibration calibration, Double assumeMpp);

    /** The coordinates of one visit; {@code rng} is the visit's own stream, {@code state} persists across visits. */
    Visit start(VisitContext context);

    /**
     * What a sampler sees of a slide on one visit.
     *
     * @param levelMpp µm/px at the chosen level, or null
     * @param state    per-slide state kept by the stream for the whole run (without-replacement grids)
     */
    record VisitContext(String slideId, int slideIndex, List<LevelInfo> levels, int level, Double levelMpp,
                        TissueMask mask, SplittableRandom rng, SlideState state, long rootSeed) {
    }

    /** The coordinates of one visit, drawn lazily. */
    interface Visit {
        /** The next coordinate, or null when this visit's sampler is exhausted. */
        PatchCoordinate next();

        /** Why the sampler stopped ({@code no_tissue}, {@code grid_done}, ...), once {@link #next} returned null. */
        String exhaustedReason();
    }

    /** Per-slide sampler state that outlives a visit (the stream keeps one per slide). */
    final class SlideState {
        int epoch;
        int cursor;

        public int epoch() {
            return epoch;
        }

        public int cursor() {
            return cursor;
        }
    }

    /** wsistream's {@code best_level_for_mpp}: the level whose µm/px is nearest the target; ties go to the finer. */
    static int nearestLevel(List<LevelInfo> levels, double mpp, double targetMpp) {
        int best = 0;
        double bestDiff = Double.POSITIVE_INFINITY;
        for (int i = 0; i < levels.size(); i++) {
            double diff = Math.abs(mpp * levels.get(i).downsample() - targetMpp);
            if (diff < bestDiff) {
                bestDiff = diff;
                best = i;
            }
        }
        return best;
    }

    static void checkLevel(List<LevelInfo> levels, int level) {
        if (level < 0 || level >= levels.size()) {
            throw new SlideFailureException("bad_level", "level " + level + " is out of range for a slide with "
                + levels.size() + " level" + (levels.size() == 1 ? "" : "s"));
        }
    }
}
