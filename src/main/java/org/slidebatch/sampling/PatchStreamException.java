package org.slidebatch.sampling;

import java.util.Map;

/**
 * The stream ended without delivering a single patch (every slide failed: no tissue, unreadable, no µm/px...).
 * The message names every slide and its reason; {@link #failures()} has them as slide id → reason.
 */
public class PatchStreamException extends RuntimeException {

    private final Map<String, String> failures;

    public PatchStreamException(String message, Map<String, String> failures) {
        super(message);
        this.failures = Map.copyOf(failures);
    }

    public Map<String, String> failures() {
        return failures;
    }
}
