package org.slidebatch.qc;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenSlideFM NB03 exclusion reasons, in its order: {@code low_tissue<T}, {@code white>T}, {@code blur<T},
 * {@code pen>T}, with thresholds written as Python's {@code :.2f}, {@code :.2f}, {@code :.1f}, {@code :.2f}.
 * Python formats the exact binary value rounded half-even ({@code f"{0.125:.2f}"} is {@code 0.12}), which
 * {@code String.format} does not (it gives {@code 0.13}), so we format through {@link BigDecimal}.
 */
public final class QcDecision {

    private QcDecision() {
    }

    public static List<String> reasons(QcMetrics m, QcThresholds t) {
        List<String> out = new ArrayList<>(4);
        if (m.tissuePct() < t.minTissuePct()) {
            out.add("low_tissue<" + pyFixed(t.minTissuePct(), 2));
        }
        if (m.whitePct() > t.maxWhitePct()) {
            out.add("white>" + pyFixed(t.maxWhitePct(), 2));
        }
        if (m.blurVar() < t.minBlurVar()) {
            out.add("blur<" + pyFixed(t.minBlurVar(), 1));
        }
        if (m.penPct() > t.maxPenPct()) {
            out.add("pen>" + pyFixed(t.maxPenPct(), 2));
        }
        return List.copyOf(out);
    }

    /** The {@code reasons} column: reasons joined by {@code ;}, empty when none. */
    public static String reasonsColumn(QcMetrics m, QcThresholds t) {
        return String.join(";", reasons(m, t));
    }

    /** The {@code excluded} column: 1 when any reason applies, else 0. */
    public static int excluded(QcMetrics m, QcThresholds t) {
        return reasons(m, t).isEmpty() ? 0 : 1;
    }

    /** Python {@code format(v, '.Nf')} for finite values. */
    static String pyFixed(double v, int decimals) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not finite: " + v);
        }
        String s = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        // Python keeps the sign of a negative value that rounds to zero ("-0.00").
        if (v < 0 && !s.startsWith("-")) {
            s = "-" + s;
        }
        return s;
    }
}
