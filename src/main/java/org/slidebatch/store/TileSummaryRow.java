package org.slidebatch.store;

import java.time.Instant;

/** Token tiling of one slide at one scale: level used, candidates over the coverage threshold, tiles kept. */
public record TileSummaryRow(String slideId, double scaleUmPerPx, String fingerprint, int level, double approxMpp,
                             int candidates, int tiles, long seed, String path, Instant recordedAt) {
}
