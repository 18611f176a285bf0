package org.slidebatch.synth;

/**
 * Everything that determines one generated slide's pixels. Same spec → byte-identical file.
 *
 * @param mpp µm/px at level 0, or null for a slide without calibration (written as a generic TIFF)
 * @param label class label; it changes nuclear density, size and stain balance so evaluation has signal
 */
public record SyntheticSlideSpec(
    String slideId,
    long seed,
    int width,
    int height,
    Double mpp,
    int appMag,
    int label,
    boolean penMarks,
    boolean blurredRegion) {

    public SyntheticSlideSpec {
        if (width < 256 || height < 256) {
            throw new IllegalArgumentException("synthetic slides are at least 256x256, got " + width + "x" + height);
        }
        if (mpp != null && !(mpp > 0)) {
            throw new IllegalArgumentException("mpp must be positive");
        }
    }
}
