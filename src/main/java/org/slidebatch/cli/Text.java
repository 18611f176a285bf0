package org.slidebatch.cli;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

final class Text {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Text() {
    }

    static String time(LocalDateTime t) {
        return t == null ? "-" : TIME.format(t);
    }

    static String seconds(Double s) {
        return s == null ? "-" : String.format(Locale.ROOT, "%.1fs", s);
    }

    static String oneLine(String s, int max) {
        if (s == null || s.isBlank()) {
            return "";
        }
        String line = s.lines().findFirst().orElse("").trim();
        return line.length() > max ? line.substring(0, max - 1) + "…" : line;
    }
}
