package org.slidebatch.synth;

/**
 * Everything that determines one generated slide's pixels. Same spec → byte-identical file.
 *
 * @param mpp µm/px at level 0, or null for a slide without calibration (written as a generic TIFF)
 * @param label class label; it changes nuclear density, size and stain balance so evaluation has signal
 * @param look the evaluation cohort's extra signal (cancer type, center stain, grade), or null: slides without a
 *             look are painted exactly as before it existed
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
    boolean blurredRegion,
    Look look) {

    /**
     * What the evaluation cohort varies: {@code cancerIndex} (0..3) changes the tissue (nuclear density, size and
     * stroma hue), {@code center} shifts the stain per center (each its own RGB gain), {@code grade} (0–5) makes
     * nuclei larger, denser and darker as it grows.
     */
    public record Look(int cancerIndex, int center, int grade) {
    }

    public SyntheticSlideSpec(String slideId, long seed, int width, int height, Double mpp, int appMag, int label,
                              boolean penMarks, boolean blurredRegion) {
        this(slideId, seed, width, height, mpp, appMag, label, penMarks, blurredRegion, null);
    }

    public SyntheticSlideSpec {
        if (width < 256 || height < 256) {
            throw new IllegalArgumentException("synthetic slides are at least 256x256, got " + width + "x" + height);
        }
        if (mpp != null && !(mpp > 0)) {
            throw new IllegalArgumentException("mpp must be positive");
        }
    }
}
