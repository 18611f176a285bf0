package org.slidebatch.model.train;

import java.util.Map;

import org.slidebatch.model.DjlRuntime;

/**
 * The PyTorch intra-op thread count of a training, pinned for its whole life. libtorch splits a reduction (a sum, a
 * norm, a matrix product's inner loop) into one chunk per thread, so the last bits of every update depend on the
 * thread count: 1 and 2 threads give different weights from the first step on. A training therefore runs every
 * update on the count it started with: the count is written into each checkpoint ({@link #KEY}) and a resumed
 * training takes it from there, whatever the parameter or the machine's cores say now (a restart on a host or JVM
 * that sees another number of cores, {@code threads=0}, or another {@code threads=} for the same run folder).
 */
public final class TrainThreads {

    /** Checkpoint metadata key of the count the training ran with. */
    public static final String KEY = "intra_op_threads";

    private TrainThreads() {
    }

    /**
     * The count for the next updates: the one recorded in {@code resumedFrom} (metadata of the checkpoint a training
     * resumes from, null for a fresh start) if it records one, else {@code requested}, else (0) the machine's cores.
     * Sets it on the calling thread ({@link DjlRuntime#setIntraOpThreads}) and returns it.
     */
    public static int pin(int requested, Map<String, String> resumedFrom) {
        int n = resolve(requested, resumedFrom);
        DjlRuntime.setIntraOpThreads(n);   // always: libtorch keeps the count per thread (OpenMP's and MKL's)
        return n;
    }

    /** As {@link #pin} without touching the engine. */
    public static int resolve(int requested, Map<String, String> resumedFrom) {
        String recorded = resumedFrom == null ? null : resumedFrom.get(KEY);
        if (recorded != null) {
            try {
                int n = Integer.parseInt(recorded.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through: a checkpoint without a usable count resumes on the requested one
            }
        }
        return requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
    }
}
