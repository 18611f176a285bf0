package org.slidebatch.web;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.slidebatch.report.HtmlReport;

/** The dashboard's page frame and cell formatting (server-side HTML, inline CSS, no script, no front-end build). */
final class Html {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    /** Seconds between reloads of a page that shows a running job. */
    static final int REFRESH_SECONDS = 3;

    private Html() {
    }

    static String page(String title, String active, boolean refresh, String body) {
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>").append(esc(title))
            .append(" · slidebatch</title>\n");
        if (refresh) {
            b.append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\"/>\n");
        }
        b.append("<link rel=\"icon\" href=\"data:,\"/>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n<nav>");
        b.append("<span class=\"brand\">slidebatch</span>");
        for (String[] l : new String[][] {{"/", "Runs"}, {"/slides", "Slides"}, {"/failures", "Failures"}, {"/reports", "Reports"}}) {
            b.append("<a href=\"").append(l[0]).append("\"").append(l[1].equals(active) ? " class=\"on\"" : "").append(">")
                .append(l[1]).append("</a>");
        }
        b.append(refresh ? "<span class=\"live\">live: reloads every " + REFRESH_SECONDS + " s</span>" : "<span class=\"live\">read-only</span>");
        b.append("</nav>\n<main>\n<h1>").append(esc(title)).append("</h1>\n").append(body).append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    static String esc(String s) {
        return HtmlReport.esc(s);
    }

    static String time(LocalDateTime t) {
        return t == null ? "" : TIME.format(t);
    }

    static String duration(LocalDateTime start, LocalDateTime end) {
        if (start == null) {
            return "";
        }
        long s = Duration.between(start, end == null ? LocalDateTime.now() : end).toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    static String status(String status) {
        String cls = switch (status == null ? "" : status) {
            case "COMPLETED", "done", "DONE" -> "ok";
            case "FAILED", "failed", "ABANDONED", "UNKNOWN" -> "bad";
            case "STARTED", "STARTING", "STOPPING" -> "run";
            default -> "other";
        };
        return "<span class=\"st " + cls + "\">" + esc(status) + "</span>";
    }

    static final String CSS = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:14px;color:#222;margin:0}
        nav{background:#2E86AB;padding:8px 16px;display:flex;gap:18px;align-items:center}
        nav a{color:#fff;text-decoration:none;padding:4px 6px;border-radius:4px}nav a.on{background:#1d5f7a}
        nav .brand{color:#fff;font-weight:bold;margin-right:12px}nav .live{margin-left:auto;color:#dff;font-size:12px}
        main{padding:8px 20px 40px}h1{font-size:20px;color:#1d5f7a}h2{font-size:16px;margin-top:24px}
        table{border-collapse:collapse;font-size:12px;margin:6px 0}th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
        th{background:#f0f6fa}td.n{text-align:right}.st{padding:1px 6px;border-radius:8px;font-size:11px}
        .ok{background:#d9f2e3}.bad{background:#f8d7d3}.run{background:#fdebc8}.other{background:#eee}
        .bar{background:#eee;width:140px;height:10px;display:inline-block;border-radius:5px;vertical-align:middle}
        .bar span{background:#2E86AB;height:10px;display:block;border-radius:5px}.msg{font-family:monospace;font-size:11px;white-space:pre-wrap;max-width:900px}
        .muted{color:#888}
        """;
}
