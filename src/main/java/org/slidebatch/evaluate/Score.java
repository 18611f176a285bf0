package org.slidebatch.evaluate;

/**
 * One metric value, or NaN with the reason it is undefined (a one-class fold has no AUROC; a fold where both
 * raters use one class has no κ). A run records the reason instead of stopping.
 */
public record Score(double value, String undefinedReason) {

    public static Score of(double value) {
        return new Score(value, null);
    }

    public static Score undefined(String reason) {
        return new Score(Double.NaN, reason);
    }

    public boolean defined() {
        return undefinedReason == null && !Double.isNaN(value);
    }

    /** The value for JSON output: null when undefined. */
    public Double orNull() {
        return defined() ? value : null;
    }
}
