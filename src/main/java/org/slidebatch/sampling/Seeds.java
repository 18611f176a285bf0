package org.slidebatch.sampling;

/**
 * Stable seed derivation: every random stream of a patch stream (slide order per pass, sampler per slide visit,
 * views and transforms per read attempt) is a pure function of the one root seed and the stream's position, so
 * the same seed gives the same stream whatever the number of reader threads. SplitMix64's finaliser mixes each
 * part in; the constants are fixed forever (changing them changes every stream).
 */
public final class Seeds {

    /** Stream kinds: the first part of every derivation. */
    static final long ORDER = 0x4F52444552L;    // "ORDER"
    static final long SAMPLER = 0x53414D504CL;  // "SAMPL"
    static final long ATTEMPT = 0x5649455753L;  // "VIEWS"
    static final long GRID = 0x47524944L;       // "GRID"

    private Seeds() {
    }

    /** SplitMix64's output function (a bijection on 64-bit values). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed for the stream named by {@code parts} under {@code root}; order of parts matters. */
    public static long derive(long root, long... parts) {
        long h = mix(root + 0x9E3779B97F4A7C15L);
        for (long p : parts) {
            h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
        }
        return h;
    }
}
