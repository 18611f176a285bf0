package org.slidebatch.tissue;

/**
 * CLAM refuses to segment this slide (as {@code create_patches_fp.py} marks it {@code failed_seg}); the
 * message names the slide and the reason. Not a bug: the step records it and goes on with other slides.
 */
public class SegmentationRefusedException extends RuntimeException {

    private final String slideId;

    public SegmentationRefusedException(String slideId, String reason) {
        super("slide " + slideId + ": " + reason);
        this.slideId = slideId;
    }

    public String slideId() {
        return slideId;
    }
}
