package org.slidebatch.model.train;

/**
 * Linear warm-up then cosine decay to 0 (OpenSlideFM's {@code CosineWarmup}, OSFM-spec §8d): the factor for update
 * t (1-based) is {@code t/warmup} while {@code t ≤ warmup}, then {@code ½(1 + cos(π·(t−warmup)/(total−warmup)))}.
 *
 * <p>The lr of update t is computed before it. OpenSlideFM steps its scheduler after the update, so its first update
 * runs at the full base lr and update t ≥ 2 at the factor of t−1 (OSFM-spec §17.10); {@code firstStepFullLr}
 * reproduces that.
 */
public record CosineWarmup(double baseLr, long warmupSteps, long totalSteps, boolean firstStepFullLr) {

    public CosineWarmup {
        if (warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("warmup_steps must be ≥ 0 and the total ≥ 1");
        }
    }

    /** Learning rate of update {@code t} (1-based). */
    public double lr(long t) {
        if (firstStepFullLr) {
            return t <= 1 ? baseLr : baseLr * factor(t - 1);
        }
        return baseLr * factor(t);
    }

    double factor(long t) {
        if (t <= warmupSteps) {
            return (double) t / warmupSteps;
        }
        if (totalSteps <= warmupSteps) {
            return 1.0;
        }
        double p = Math.min(1.0, (double) (t - warmupSteps) / (totalSteps - warmupSteps));
        return 0.5 * (1 + Math.cos(Math.PI * p));
    }
}
