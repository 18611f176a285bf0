package org.slidebatch.batch;

/** What a per-slide step did with one slide: done, skipped (with the reason) or failed (with the reason). */
public record SlideOutcome(String status, String reason) {

    public static SlideOutcome done() {
        return new SlideOutcome(org.slidebatch.store.SlideStepStatus.DONE, null);
    }

    public static SlideOutcome skipped(String reason) {
        return new SlideOutcome(org.slidebatch.store.SlideStepStatus.SKIPPED, reason);
    }

    public static SlideOutcome failed(String reason) {
        return new SlideOutcome(org.slidebatch.store.SlideStepStatus.FAILED, reason);
    }
}
