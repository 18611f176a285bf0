package org.slidebatch.slide;

import java.util.Locale;

/**
 * Which {@link SlideReader} a stage uses (parameter {@code reader}, option {@code --reader}):
 * {@code openslide} always; {@code fast} our JPEG tile decoder, refusing a slide it does not apply to;
 * {@code auto} (the default) the fast reader where it applies and OpenSlide elsewhere, counted with the reason.
 */
public enum ReaderChoice {
    OPENSLIDE, FAST, AUTO;

    public static final String PARAMETER = "reader";
    public static final ReaderChoice DEFAULT = AUTO;

    /** Parses {@code openslide|fast|auto}; null or blank is the default; anything else is refused. */
    public static ReaderChoice parse(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "openslide" -> OPENSLIDE;
            case "fast" -> FAST;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException(PARAMETER + " must be openslide, fast or auto, got '" + value + "'");
        };
    }

    public String parameterValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
