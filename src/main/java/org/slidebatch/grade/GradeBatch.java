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
}
