package org.slidebatch.batch;

/**
 * What {@link SlideWork#compute} found: the slide's outcome and, when there is something to write, the value the step's
 * writer hands to {@link SlideWork#write} (null when the outcome alone is recorded, e.g. a skipped slide).
 */
public record SlideResult<R>(SlideOutcome outcome, R value) {

    public static <R> SlideResult<R> write(R value, SlideOutcome outcome) {
        return new SlideResult<>(outcome, value);
    }

    public static <R> SlideResult<R> write(R value) {
        return new SlideResult<>(SlideOutcome.done(), value);
    }

    public static <R> SlideResult<R> only(SlideOutcome outcome) {
        return new SlideResult<>(outcome, null);
    }
}
