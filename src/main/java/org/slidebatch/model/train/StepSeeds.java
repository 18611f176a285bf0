package org.slidebatch.model.train;

import java.util.SplittableRandom;

/**
 * Every random draw of a training step comes from a seed derived from (run seed, purpose, index): the shuffle of
 * an epoch from (seed, epoch), a step's masks and views and libtorch's dropout from (seed, step). So the RNG state a
 * checkpoint must hold is the step and epoch counters themselves: nothing hidden survives a step, and a resumed run
 * draws exactly what the uninterrupted run drew.
 */
public final class StepSeeds {

    public static final long SHUFFLE = 0x5348554646L;
    public static final long STEP = 0x53544550L;
    public static final long TORCH = 0x544f524348L;

    private StepSeeds() {
    }

    /** A well-mixed 64-bit seed (SplitMix64 finaliser over the combined inputs). */
    public static long derive(long seed, long purpose, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + purpose * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static SplittableRandom random(long seed, long purpose, long index) {
        return new SplittableRandom(derive(seed, purpose, index));
    }

    /** A seed for libtorch's generator ({@code torch.manual_seed}), non-negative. */
    public static int torchSeed(long seed, long step) {
        return (int) (derive(seed, TORCH, step) >>> 33);
    }

    /** Fisher–Yates permutation of 0..n−1. */
    public static int[] permutation(SplittableRandom r, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** {@code k} distinct indices of 0..n−1 in draw order (partial Fisher–Yates). */
    public static int[] choose(SplittableRandom r, int n, int k) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return java.util.Arrays.copyOf(a, k);
    }
}
