package org.slidebatch.qc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exclusion thresholds of the QC stage (OpenSlideFM NB03 defaults). A slide is flagged when
 * {@code tissue_pct < minTissuePct}, {@code white_pct > maxWhitePct}, {@code blur_var < minBlurVar} or
 * {@code pen_pct > maxPenPct}. Fractions must lie in [0, 1], the blur threshold must be finite and ≥ 0.
 */
public record QcThresholds(double minTissuePct, double maxWhitePct, double minBlurVar, double maxPenPct) {

    public static final String MIN_TISSUE_PCT = "min_tissue_pct";
    public static final String MAX_WHITE_PCT = "max_white_pct";
    public static final String MIN_BLUR_VAR = "min_blur_var";
    public static final String MAX_PEN_PCT = "max_pen_pct";
    /** The accepted keys, in OpenSlideFM's passport order. */
    public static final List<String> KEYS = List.of(MIN_TISSUE_PCT, MAX_WHITE_PCT, MIN_BLUR_VAR, MAX_PEN_PCT);

    public QcThresholds {
        requireFraction(MIN_TISSUE_PCT, minTissuePct);
        requireFraction(MAX_WHITE_PCT, maxWhitePct);
        if (!Double.isFinite(minBlurVar) || minBlurVar < 0) {
            throw new IllegalArgumentException(MIN_BLUR_VAR + " must be a finite number >= 0, got " + minBlurVar);
        }
        requireFraction(MAX_PEN_PCT, maxPenPct);
    }

    public static QcThresholds defaults() {
        return new QcThresholds(0.10, 0.75, 15.0, 0.02);
    }

    /**
     * Defaults overridden by the given entries (a partial map is fine). Unknown keys and unparsable or
     * out-of-range values are rejected with a message naming the key.
     */
    public static QcThresholds fromMap(Map<String, String> values) {
        QcThresholds d = defaults();
        double minTissue = d.minTissuePct();
        double maxWhite = d.maxWhitePct();
        double minBlur = d.minBlurVar();
        double maxPen = d.maxPenPct();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            switch (key) {
                case MIN_TISSUE_PCT -> minTissue = parse(key, e.getValue());
                case MAX_WHITE_PCT -> maxWhite = parse(key, e.getValue());
                case MIN_BLUR_VAR -> minBlur = parse(key, e.getValue());
                case MAX_PEN_PCT -> maxPen = parse(key, e.getValue());
                case null -> throw new IllegalArgumentException("null QC threshold key; valid keys: " + String.join(", ", KEYS));
                default -> throw new IllegalArgumentException(
                    "unknown QC threshold '" + key + "'; valid keys: " + String.join(", ", KEYS));
            }
        }
        return new QcThresholds(minTissue, maxWhite, minBlur, maxPen);
    }

    /** Keyed by {@link #KEYS}, in that order (the passport's {@code thresholds} object). */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(MIN_TISSUE_PCT, minTissuePct);
        m.put(MAX_WHITE_PCT, maxWhitePct);
        m.put(MIN_BLUR_VAR, minBlurVar);
        m.put(MAX_PEN_PCT, maxPenPct);
        return m;
    }

    private static double parse(String key, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException(key + ": missing value, expected a number");
        }
        try {
            return Double.parseDouble(raw.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number: '" + raw + "'", e);
        }
    }

    private static void requireFraction(String key, double v) {
        if (!(v >= 0.0 && v <= 1.0)) {
            throw new IllegalArgumentException(key + " must be a fraction in [0, 1], got " + v);
        }
    }
}
