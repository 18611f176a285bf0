package org.slidebatch.qc;

import org.opencv.core.Core;

/**
 * Loads OpenCV's bundled natives once for the QC package. {@link nu.pattern.OpenCV#loadLocally()} is itself
 * idempotent, but we serialise the first call (class initialisation is thread-safe) so concurrent QC workers
 * never race on extracting the library. A failed load is not cached: the next call retries and rethrows.
 */
final class QcOpenCv {

    private static volatile boolean loaded;

    private QcOpenCv() {
    }

    static void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (QcOpenCv.class) {
            if (!loaded) {
                nu.pattern.OpenCV.loadLocally();
                loaded = true;
            }
        }
    }

    /** OpenCV's version string, for provenance records. Loads the natives if needed. */
    static String version() {
        ensureLoaded();
        return Core.VERSION;
    }
}
