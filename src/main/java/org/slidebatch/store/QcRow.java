package org.slidebatch.store;

import java.time.Instant;

/** One slide's QC metrics and decision, as stored. */
public record QcRow(String slideId, String fingerprint, int thumbWidth, int thumbHeight, double tissuePct, double whitePct,
                    double penPct, double blurVar, double brightnessMean, double saturationMean, boolean excluded,
                    String reasons, String thresholds, String overlayPath, Long jobExecutionId, Instant recordedAt) {
}
