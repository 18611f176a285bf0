package org.slidebatch.qc;

import java.util.Locale;
import java.util.Optional;

import org.slidebatch.batch.Params;
import org.slidebatch.store.QcRow;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * The one rule by which later stages (segment, grid, tile) follow QC, parameter {@code qc_policy}:
 * {@code strict} skips slides QC excluded (with QC's reasons), {@code medium} is OpenSlideFM NB04's selection
 * (tissue ≥ 0.05 ∧ white ≤ 0.95), {@code none} ignores QC. Slides QC has not seen are kept (OpenSlideFM's left join).
 * The older {@code honor_qc=true|false} still means strict|none when {@code qc_policy} is not given.
 */
public enum QcPolicy {
    STRICT, MEDIUM, NONE;

    public static final String NAME = "qc_policy";
    public static final String LEGACY_NAME = "honor_qc";

    public static QcPolicy from(JobParameters p, QcPolicy fallback) {
        String v = Params.string(p, NAME, null);
        if (v == null) {
            return p.getParameter(LEGACY_NAME) == null ? fallback : (Params.bool(p, LEGACY_NAME, true) ? STRICT : NONE);
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "strict" -> STRICT;
            case "medium" -> MEDIUM;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException(NAME + " must be strict, medium or none, got '" + v + "'");
        };
    }

    /** Why this slide is not processed under the policy, or empty. */
    public Optional<String> refusal(Optional<QcRow> qc) {
        if (this == NONE || qc.isEmpty()) {
            return Optional.empty();
        }
        QcRow q = qc.get();
        if (this == STRICT) {
            return q.excluded() ? Optional.of("excluded by QC: " + q.reasons()) : Optional.empty();
        }
        if (q.tissuePct() < 0.05 || q.whitePct() > 0.95) {
            return Optional.of(String.format(Locale.ROOT, "qc_policy=medium: tissue %.3f < 0.05 or white %.3f > 0.95",
                q.tissuePct(), q.whitePct()));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
