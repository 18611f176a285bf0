package org.slidebatch.grade;

/**
 * NB11's per-epoch learning rate (OSFM-spec §15): {@code LinearLR(start_factor, total_iters = warmup)} stepped after
 * each of the first {@code warmup} epochs, then {@code CosineAnnealingLR(T_max = epochs − warmup, eta_min)}. Epoch e
 * (1-based) runs at {@code base·(start + (1−start)·(e−1)/warmup)} while e ≤ warmup, then at
 * {@code etaMin + (base − etaMin)·(1 + cos(π·(e − warmup − 1)/(epochs − warmup)))/2}.
 */
public record GradeSchedule(double baseLr, int warmupEpochs, double startFactor, int epochs, double etaMin) {

    public GradeSchedule {
        if (epochs < 1 || warmupEpochs < 0 || warmupEpochs >= epochs || !(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("need 0 ≤ WARMUP_EPOCHS < EPOCHS and 0 < start factor ≤ 1, got warm-up "
                + warmupEpochs + ", epochs " + epochs + ", start " + startFactor);
        }
    }

    public static GradeSchedule nb11() {
        return new GradeSchedule(3e-4, 2, 0.1, 30, 1e-6);
    }

    public double lr(int epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        }
        if (epoch <= warmupEpochs) {
            return baseLr * (startFactor + (1 - startFactor) * (epoch - 1) / warmupEpochs);
        }
        double t = Math.min(epoch - warmupEpochs - 1, epochs - warmupEpochs);
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * t / (epochs - warmupEpochs))) / 2;
    }
}
