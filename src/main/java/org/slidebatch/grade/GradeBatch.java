package org.slidebatch.grade;

/**
 * A collated batch of slides (NB11's collate): each scale zero-padded at the end to the batch's longest slide.
 *
 * @param x05    (batch, t05, dim) C order
 * @param len05  tokens per slide at 0.5 µm/px (≥ 1)
 * @param x20    (batch, t20, dim)
 * @param len20  tokens per slide at 2.0 µm/px (≥ 1)
 * @param grades ISUP grade per slide
 */
public record GradeBatch(int batch, int dim, int t05, float[] x05, int[] len05, int t20, float[] x20, int[] len20,
                         int[] grades) {

    public GradeBatch {
        if (x05.length != (long) batch * t05 * dim || x20.length != (long) batch * t20 * dim
            || len05.length != batch || len20.length != batch || grades.length != batch) {
            throw new IllegalArgumentException("batch arrays do not match " + batch + " slides of (" + t05 + ", " + t20
                + ") tokens × " + dim);
        }
    }

    /** NB11's collate: each scale zero-padded at the end to the longest slide of the batch. */
    public static GradeBatch collate(java.util.List<GradeSlide> slides) {
        int b = slides.size();
        int d = slides.get(0).dim();
        int t05 = 0;
        int t20 = 0;
        for (GradeSlide s : slides) {
            t05 = Math.max(t05, s.n05());
            t20 = Math.max(t20, s.n20());
        }
        float[] x05 = new float[b * t05 * d];
        float[] x20 = new float[b * t20 * d];
        int[] len05 = new int[b];
        int[] len20 = new int[b];
        int[] grades = new int[b];
        for (int i = 0; i < b; i++) {
            GradeSlide s = slides.get(i);
            System.arraycopy(s.x05(), 0, x05, i * t05 * d, s.x05().length);
            System.arraycopy(s.x20(), 0, x20, i * t20 * d, s.x20().length);
            len05[i] = s.n05();
            len20[i] = s.n20();
            grades[i] = s.grade();
        }
        return new GradeBatch(b, d, t05, x05, len05, t20, x20, len20, grades);
    }
}
