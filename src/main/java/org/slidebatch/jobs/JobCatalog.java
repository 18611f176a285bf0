package org.slidebatch.jobs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every job name of SPEC §9, with whether it exists yet. A job that is not implemented fails clearly with
 * "not implemented"; it never produces output.
 */
public final class JobCatalog {

    /** job name → what it does, or {@code null} when implemented. */
    private static final Map<String, String> PLANNED = new LinkedHashMap<>();

    static {
        PLANNED.put("manifest", null);
        PLANNED.put("qc", null);
        PLANNED.put("segment", null);
        PLANNED.put("tile", null);
        PLANNED.put("grid", null);
        PLANNED.put("features", null);
        PLANNED.put("openslidefm", null);
        PLANNED.put("gpfm", null);
        PLANNED.put("pretrain", null);
        PLANNED.put("diagnostics", null);
        PLANNED.put("evaluate", null);
        PLANNED.put("grade", null);
        PLANNED.put("report", null);
    }

    private JobCatalog() {
    }

    public static Map<String, String> all() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(PLANNED)); // Map.copyOf refuses the null values
    }

    public static boolean isKnown(String name) {
        return PLANNED.containsKey(name);
    }

    public static boolean isImplemented(String name) {
        return PLANNED.containsKey(name) && PLANNED.get(name) == null;
    }

    public static String notImplementedMessage(String name) {
        return "job '" + name + "' is not implemented yet (" + PLANNED.get(name) + ")";
    }

    public static Iterable<String> names() {
        return PLANNED.keySet();
    }

    /** The jobs that run today, in catalogue order. */
    public static java.util.List<String> implemented() {
        return PLANNED.keySet().stream().filter(JobCatalog::isImplemented).toList();
    }

    /** The jobs planned but not built yet, in catalogue order. */
    public static java.util.List<String> planned() {
        return PLANNED.keySet().stream().filter(n -> !isImplemented(n)).toList();
    }
}
