package org.slidebatch.store;

import java.time.Instant;

/** One slide's tissue segmentation summary, as stored (contours themselves are in the GeoJSON file). */
public record TissueRow(String slideId, String fingerprint, String preset, String parameters, int segLevel,
                        double segDownsampleX, double segDownsampleY, int contourCount, int holeCount,
                        double tissueAreaLevel0, double tissueFraction, String geojsonPath, String maskPath,
                        double seconds, Long jobExecutionId, Instant recordedAt) {
}
