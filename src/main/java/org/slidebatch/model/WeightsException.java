package org.slidebatch.model;

/** A weights file that cannot be used: missing, unreadable, malformed, or not a ConvNeXt-Tiny. The message says why. */
public class WeightsException extends RuntimeException {

    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
