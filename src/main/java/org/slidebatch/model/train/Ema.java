package org.slidebatch.model.train;

import java.util.Map;

import ai.djl.ndarray.NDArray;

/**
 * The EMA teacher update {@code θ_t ← τ·θ_t + (1−τ)·θ_s} over every parameter (PyTorch:
 * {@code pt.mul_(τ).add_(ps, alpha=1−τ)}), in place, outside any gradient recording.
 */
public final class Ema {

    private Ema() {
    }

    public static void update(Map<String, NDArray> teacher, Map<String, NDArray> student, float tau) {
        org.slidebatch.model.DjlRuntime.gradOff();
        for (Map.Entry<String, NDArray> e : teacher.entrySet()) {
            NDArray s = student.get(e.getKey());
            if (s == null) {
                throw new IllegalArgumentException("EMA: student has no parameter " + e.getKey());
            }
            try (NDArray scaled = s.mul(1 - tau)) {
                e.getValue().muli(tau).addi(scaled);
            }
        }
    }
}
