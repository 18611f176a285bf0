package org.slidebatch.pretrain;

import org.slidebatch.model.train.CosineWarmup;

/**
 * Learning rates of phase 2 (OSFM-spec §8e): two AdamW parameter groups — student aggregator + MFR decoder at
 * {@code lr}, the ConvNeXt backbone at {@code lr × lr_backbone_ratio} (0.1) — under one warm-up (200 updates) +
 * cosine schedule over the real number of phase-2 updates, {@code epochs_phase2 × slides} (one slide per update).
 *
 * <p>OpenSlideFM sizes the phase-2 cosine with {@code 2·(N//3 + 1)} (phase 1's count of 3-slide batches) while phase 2
 * makes N updates per epoch, so its cosine runs past its end and oscillates (lr 0 at about a third of phase 2, full
 * again at two thirds, 0 at the end; OSFM-spec §17.10). We count the updates phase 2 really makes.
 */
public record Phase2Schedule(CosineWarmup aggregator, CosineWarmup backbone, long totalSteps) {

    /** OpenSlideFM's hard-coded phase-2 warm-up. */
    public static final long WARMUP = 200;
    /** OpenSlideFM's {@code lr_backbone_ratio}. */
    public static final double BACKBONE_RATIO = 0.1;

    /**
     * @param firstStepFullLr OpenSlideFM steps its scheduler after the update, so the first update runs at the full
     *                        lr (the same switch as phase 1's)
     */
    public static Phase2Schedule of(double lr, double backboneRatio, long warmup, int epochs, int slides,
                                    boolean firstStepFullLr) {
        if (epochs < 0 || slides < 0) {
            throw new IllegalArgumentException("epochs and slides must not be negative");
        }
        if (!(backboneRatio >= 0)) {
            throw new IllegalArgumentException("lr_backbone_ratio must be ≥ 0, got " + backboneRatio);
        }
        long total = Math.max(1, (long) epochs * slides);
        return new Phase2Schedule(new CosineWarmup(lr, warmup, total, firstStepFullLr),
            new CosineWarmup(lr * backboneRatio, warmup, total, firstStepFullLr), total);
    }

    /** OpenSlideFM's (wrong) phase-2 length: phase 1's batch count {@code epochs · (N // 3 + 1)}. */
    public static long openSlideFmTotal(int epochs, int slides) {
        return (long) epochs * (slides / 3 + 1);
    }

    /** lr of the aggregator + decoder group for update {@code t} of phase 2 (1-based). */
    public double aggregatorLr(long t) {
        return aggregator.lr(t);
    }

    /** lr of the backbone group for update {@code t} of phase 2 (1-based). */
    public double backboneLr(long t) {
        return backbone.lr(t);
    }
}
