package org.slidebatch.sampling;

/**
 * One slide cannot take part in the stream; {@link #reason()} is a short code ({@code mpp_missing},
 * {@code open_failed}, {@code no_tissue}, {@code bad_level}, ...) and the message says why in words.
 * The stream records it and goes on with the other slides.
 */
public class SlideFailureException extends RuntimeException {

    private final String reason;

    public SlideFailureException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SlideFailureException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
