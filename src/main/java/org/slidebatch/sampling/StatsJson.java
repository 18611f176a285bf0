package org.slidebatch.sampling;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slidebatch.workspace.AtomicFiles;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes a stream's statistics (and its configuration, and anything the caller adds) as one JSON object. */
public final class StatsJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private StatsJson() {
    }

    /** {@code {"config": …, "stats": …, …extra}}. */
    public static Map<String, Object> document(PatchStreamConfig config, PatchStreamStats stats, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", config.describe());
        m.put("stats", stats.toMap());
        if (extra != null) {
            m.putAll(extra);
        }
        return m;
    }

    public static String toJson(Object document) {
        return MAPPER.writeValueAsString(document);
    }

    public static void write(Path file, PatchStreamConfig config, PatchStreamStats stats, Map<String, Object> extra)
        throws IOException {
        AtomicFiles.writeString(file, toJson(document(config, stats, extra)) + "\n");
    }
}
