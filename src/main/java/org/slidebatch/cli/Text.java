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

    /**
     * One line that shows every character: a newline, tab or other control character in a slide id or a file name is
     * written as {@code \n}, {@code \t}, {@code \u0007}, so two names that differ only there stay different on screen.
     */
    static String visible(String s, int max) {
        if (s == null || s.isBlank()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.strip().length(); i++) {
            char c = s.strip().charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.length() > max ? sb.substring(0, max - 1) + "…" : sb.toString();
    }
}
