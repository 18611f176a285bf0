package org.slidebatch.grade;

/**
 * One slide's two-scale tokens and labels. A scale without tissue tokens holds one zero token (NB11's dataset).
 *
 * @param x05 (n05, dim) tokens at 0.5 µm/px, C order
 * @param x20 (n20, dim) tokens at 2.0 µm/px
 */
public record GradeSlide(String id, String provider, int grade, int dim, float[] x05, int n05, float[] x20, int n20) {

    public GradeSlide {
        if (n05 < 1 || n20 < 1 || x05.length != (long) n05 * dim || x20.length != (long) n20 * dim) {
            throw new IllegalArgumentException("slide " + id + ": token arrays do not match (" + n05 + ", " + n20 + ") × " + dim);
        }
    }

    /** NB11's empty-scale rule: one zero token. */
    public static float[] orZeroToken(float[] x, int dim) {
        return x.length == 0 ? new float[dim] : x;
    }
}
