package org.slidebatch.batch;

import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;

/** Typed reads of job parameters that may arrive as numbers (CLI) or as text (config files, tests). */
public final class Params {

    private Params() {
    }

    /** The {@code reader} parameter of every stage that reads pixels: openslide, fast or auto (default). */
    public static org.slidebatch.slide.ReaderChoice reader(JobParameters p) {
        return org.slidebatch.slide.ReaderChoice.parse(string(p, org.slidebatch.slide.ReaderChoice.PARAMETER, null));
    }

    public static long seed(JobParameters p) {
        return longValue(p, "seed", 0L);
    }

    public static long longValue(JobParameters p, String key, long fallback) {
        JobParameter<?> jp = p.getParameter(key);
        if (jp == null) {
            return fallback;
        }
        if (jp.value() instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(jp.value()).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + jp.value() + "'");
        }
    }

    public static Double doubleValue(JobParameters p, String key) {
        JobParameter<?> jp = p.getParameter(key);
        if (jp == null) {
            return null;
        }
        if (jp.value() instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(jp.value()).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + jp.value() + "'");
        }
    }

    public static String string(JobParameters p, String key, String fallback) {
        JobParameter<?> jp = p.getParameter(key);
        return jp == null ? fallback : String.valueOf(jp.value());
    }

    public static boolean bool(JobParameters p, String key, boolean fallback) {
        String v = string(p, key, null);
        if (v == null) {
            return fallback;
        }
        // Only true or false: "nope", "1" or "yes" are refused rather than guessed.
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        };
    }
}
