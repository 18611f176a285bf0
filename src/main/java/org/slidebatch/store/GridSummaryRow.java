package org.slidebatch.store;

import java.time.Instant;

/** CLAM/GPFM grid patching of one slide. */
public record GridSummaryRow(String slideId, String fingerprint, int patchSize, int stepSize, int patchLevel,
                             String contourFn, boolean usePadding, int patches, String parquetPath, String h5Path,
                             Instant recordedAt) {
}
