package org.slidebatch.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The per-slide µm/px override CSV of SPEC §1: a header with {@code slide_id} and {@code mpp} columns. */
public final class MppOverrides {

    private MppOverrides() {
    }

    public static Map<String, Double> load(Path csv) {
        if (csv == null) {
            return Map.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(csv + ": cannot read the µm/px override CSV: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(csv + ": empty µm/px override CSV (expected columns slide_id,mpp)");
        }
        List<String> header = List.of(lines.getFirst().trim().split("\\s*,\\s*"));
        int id = header.indexOf("slide_id");
        int mpp = header.indexOf("mpp");
        if (id < 0 || mpp < 0) {
            throw new IllegalArgumentException(csv + ": header must name slide_id and mpp, found " + header);
        }
        Map<String, Double> out = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split("\\s*,\\s*");
            try {
                double v = Double.parseDouble(cells[mpp]);
                if (!(v > 0)) {
                    throw new NumberFormatException("not positive");
                }
                out.put(cells[id], v);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(csv + ": line " + (i + 1) + ": bad mpp value (" + e.getMessage() + ")", e);
            }
        }
        return out;
    }
}
