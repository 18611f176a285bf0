package org.slidebatch.store;

import java.time.Instant;

/** The features of one slide at one scale: N×dim array and its tile coordinates. */
public record FeatureFileRow(String slideId, double scaleUmPerPx, String fingerprint, int tiles, int dim, String dtype,
                             String featuresPath, String coordsPath, String weights, double seconds, Instant recordedAt) {
}
