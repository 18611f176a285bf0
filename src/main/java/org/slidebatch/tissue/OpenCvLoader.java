package org.slidebatch.tissue;

import org.opencv.core.Core;

/**
 * Loads OpenCV's native library from the openpnp jar ({@code nu.pattern.OpenCV.loadLocally()}) once per
 * JVM. Idempotent and thread-safe; a failure is remembered and rethrown with the same cause, so a broken
 * install fails every caller the same way instead of half-loading.
 */
public final class OpenCvLoader {

    private static volatile boolean loaded;
    private static Throwable failure;

    private OpenCvLoader() {
    }

    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (OpenCvLoader.class) {
            if (loaded) {
                return;
            }
            if (failure != null) {
                throw unavailable(failure);
            }
            try {
                nu.pattern.OpenCV.loadLocally();
                loaded = true;
            } catch (Throwable t) {
                failure = t;
                throw unavailable(t);
            }
        }
    }

    /** OpenCV's version string (e.g. {@code 4.9.0}); loads the library first. */
    public static String version() {
        load();
        return Core.VERSION;
    }

    private static IllegalStateException unavailable(Throwable t) {
        return new IllegalStateException("OpenCV native library could not be loaded from org.openpnp:opencv: " + t, t);
    }
}
