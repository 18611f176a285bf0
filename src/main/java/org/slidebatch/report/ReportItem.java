package org.slidebatch.report;

import java.util.List;

/**
 * One figure or table of the report. Available items carry their files (relative to the report folder) and
 * provenance; unavailable ones say why ("not available (no evaluation/…/oof.csv)").
 */
public record ReportItem(String id, Kind kind, String section, String title, String caption, boolean available,
                         String reason, List<String> files, Provenance provenance, List<String> header,
                         List<List<String>> rows) {

    public enum Kind { FIGURE, TABLE }

    public static ReportItem figure(String id, String section, String title, String caption, List<String> files,
                                    Provenance provenance) {
        return new ReportItem(id, Kind.FIGURE, section, title, caption, true, null, files, provenance, List.of(), List.of());
    }

    public static ReportItem table(String id, String section, String title, String caption, List<String> files,
                                   Provenance provenance, List<String> header, List<List<String>> rows) {
        return new ReportItem(id, Kind.TABLE, section, title, caption, true, null, files, provenance, header, rows);
    }

    public static ReportItem missing(String id, Kind kind, String section, String title, String reason) {
        return new ReportItem(id, kind, section, title, null, false, reason, List.of(), Provenance.of(List.of()), List.of(), List.of());
    }
}
