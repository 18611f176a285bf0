package org.slidebatch.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.slidebatch.store.ReportStore.PassportRow;
import org.slidebatch.store.ReportStore.StepExecutionRef;

/**
 * The report page: one self-contained, well-formed HTML file (inline CSS, no script, no network; figures and CSVs by
 * relative links) that opens from the file system. Every block that shows numbers carries
 * {@code data-step-executions} with the ids of the step executions those numbers come from, and a provenance note
 * with their parameters hash, passport and input fingerprints.
 */
public final class HtmlReport {

    static final int INLINE_ROWS = 40;

    /** The report's own identity (its step execution is the source of the header's numbers). */
    public record Header(long stepExecutionId, long jobExecutionId, String created, String workspace, int dpi) {
    }

    private HtmlReport() {
    }

    public static String render(Header h, List<ReportItem> items, Map<Long, StepExecutionRef> executions,
                                Map<Long, PassportRow> passports) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head data-step-executions=\"").append(h.stepExecutionId()).append("\">\n<meta charset=\"utf-8\"/>\n")
            .append("<link rel=\"icon\" href=\"data:,\"/>\n<title>slidebatch report ").append(h.stepExecutionId()).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        b.append("<header data-step-executions=\"").append(h.stepExecutionId()).append("\">\n<h1>slidebatch report</h1>\n<p>")
            .append("Report step execution ").append(h.stepExecutionId()).append(" (job execution ").append(h.jobExecutionId())
            .append("), made ").append(esc(h.created())).append(" from workspace <code>").append(esc(h.workspace()))
            .append("</code>. Figures: PNG at ").append(h.dpi()).append(" dpi (click for SVG).</p>\n</header>\n");

        Map<String, List<ReportItem>> sections = new LinkedHashMap<>();
        items.forEach(i -> sections.computeIfAbsent(i.section(), k -> new ArrayList<>()).add(i));
        b.append("<nav data-step-executions=\"").append(h.stepExecutionId()).append("\"><ul>\n");
        for (String s : sections.keySet()) {
            b.append("<li><a href=\"#").append(anchor(s)).append("\">").append(esc(s)).append("</a></li>\n");
        }
        b.append("<li><a href=\"#not-available\">Not available</a></li>\n<li><a href=\"#executions\">Step executions</a></li>\n</ul></nav>\n");

        for (var e : sections.entrySet()) {
            List<ReportItem> available = e.getValue().stream().filter(ReportItem::available).toList();
            b.append("<h2 id=\"").append(anchor(e.getKey())).append("\">").append(esc(e.getKey())).append("</h2>\n");
            if (available.isEmpty()) {
                b.append("<p class=\"none\">Nothing available in this section yet (see below).</p>\n");
            }
            for (ReportItem i : available) {
                item(b, i, executions, passports);
            }
        }

        b.append("<h2 id=\"not-available\">Not available</h2>\n<section class=\"missing\" data-step-executions=\"")
            .append(h.stepExecutionId()).append("\">\n<ul>\n");
        for (ReportItem i : items) {
            if (!i.available()) {
                b.append("<li><b>").append(esc(i.title())).append("</b> (").append(esc(i.section())).append("): not available (")
                    .append(esc(i.reason())).append(")</li>\n");
            }
        }
        b.append("</ul>\n</section>\n");

        List<Long> all = items.stream().flatMap(i -> i.provenance().stepExecutionIds().stream()).distinct().sorted().collect(Collectors.toList());
        if (!all.contains(h.stepExecutionId())) {
            all.add(h.stepExecutionId());
        }
        b.append("<h2 id=\"executions\">Step executions</h2>\n<section data-step-executions=\"").append(ids(all)).append("\">\n")
            .append("<table>\n<thead><tr><th>step execution</th><th>job execution</th><th>job / step</th><th>status</th>")
            .append("<th>parameters hash</th><th>host</th><th>commit</th><th>started</th><th>wall s</th></tr></thead>\n<tbody>\n");
        for (Long id : all) {
            StepExecutionRef r = executions.get(id);
            PassportRow p = passports.get(id);
            b.append("<tr id=\"se-").append(id).append("\"><td>").append(id).append("</td><td>")
                .append(r == null ? "?" : Long.toString(r.jobExecutionId())).append("</td><td>")
                .append(r == null ? "not in this repository" : esc(r.jobName() + " / " + r.stepName())).append("</td><td>")
                .append(r == null ? "" : esc(r.status())).append("</td>");
            if (p == null) {
                b.append("<td colspan=\"5\">no passport</td>");
            } else {
                b.append("<td><code>").append(esc(p.parametersHash())).append("</code></td><td>").append(esc(p.host()))
                    .append("</td><td>").append(esc(p.gitCommit())).append("</td><td>").append(esc(String.valueOf(p.startedAt())))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", p.wallSeconds())).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void item(StringBuilder b, ReportItem i, Map<Long, StepExecutionRef> executions, Map<Long, PassportRow> passports) {
        b.append("<section class=\"item\" id=\"").append(esc(i.id())).append("\" data-step-executions=\"")
            .append(ids(i.provenance().stepExecutionIds())).append("\">\n<h3>").append(esc(i.title())).append("</h3>\n");
        if (i.kind() == ReportItem.Kind.FIGURE) {
            String png = i.files().get(0);
            String svg = i.files().get(1);
            b.append("<figure>\n<a href=\"").append(esc(svg)).append("\"><img src=\"").append(esc(png)).append("\" alt=\"")
                .append(esc(i.title())).append("\" width=\"").append(ReportCanvas.WIDTH).append("\"/></a>\n<figcaption>")
                .append(esc(i.caption())).append(" <a href=\"").append(esc(png)).append("\">PNG</a> · <a href=\"").append(esc(svg))
                .append("\">SVG</a></figcaption>\n</figure>\n");
        } else {
            b.append("<p class=\"caption\">").append(esc(i.caption())).append(" <a href=\"").append(esc(i.files().getFirst()))
                .append("\">CSV</a> (").append(i.rows().size()).append(" rows)</p>\n<div class=\"scroll\"><table>\n<thead><tr>");
            for (String h : i.header()) {
                b.append("<th>").append(esc(h)).append("</th>");
            }
            b.append("</tr></thead>\n<tbody>\n");
            for (List<String> r : i.rows().subList(0, Math.min(INLINE_ROWS, i.rows().size()))) {
                b.append("<tr>");
                r.forEach(c -> b.append("<td>").append(esc(c)).append("</td>"));
                b.append("</tr>\n");
            }
            b.append("</tbody>\n</table></div>\n");
            if (i.rows().size() > INLINE_ROWS) {
                b.append("<p class=\"none\">First ").append(INLINE_ROWS).append(" rows shown; all in the CSV.</p>\n");
            }
        }
        b.append("<div class=\"prov\"><b>Provenance.</b> ");
        if (i.provenance().stepExecutionIds().isEmpty()) {
            b.append("No step execution recorded for these inputs. ");
        }
        for (Long id : i.provenance().stepExecutionIds()) {
            StepExecutionRef r = executions.get(id);
            PassportRow p = passports.get(id);
            b.append("<a href=\"#se-").append(id).append("\">step execution ").append(id).append("</a>");
            if (r != null) {
                b.append(" (").append(esc(r.jobName() + " / " + r.stepName())).append(", job execution ").append(r.jobExecutionId()).append(")");
            }
            if (p != null) {
                b.append(", parameters hash <code>").append(esc(abbrev(p.parametersHash()))).append("</code>, passport: ")
                    .append(esc(p.host())).append(", commit ").append(esc(p.gitCommit()));
            } else {
                b.append(", no passport");
            }
            b.append("; ");
        }
        b.append("inputs: ");
        for (Provenance.Input in : i.provenance().inputs()) {
            b.append("<code>").append(esc(in.name())).append("</code> sha256 <code>").append(esc(abbrev(in.sha256()))).append("</code>; ");
        }
        b.append("</div>\n</section>\n");
    }

    static String abbrev(String s) {
        return s == null ? "none" : s.length() > 16 ? s.substring(0, 16) + "…" : s;
    }

    static String ids(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    static String anchor(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static final String CSS = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;font-size:14px;color:#222;max-width:1100px;margin:0 auto;padding:16px 24px}
        h1{color:#2E86AB;margin-bottom:4px}h2{border-bottom:2px solid #2E86AB;padding-bottom:4px;margin-top:32px}
        h3{margin:8px 0}nav ul{columns:3;list-style:square}section.item{border:1px solid #ddd;border-radius:6px;padding:8px 14px;margin:14px 0}
        figure{margin:0}img{max-width:100%;height:auto;border:1px solid #eee}figcaption,.caption{color:#444;margin:6px 0}
        table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}
        th{background:#f0f6fa}td:first-child,th:first-child{text-align:left}.scroll{max-height:420px;overflow:auto}
        .prov{font-size:11px;color:#555;background:#fafafa;border-top:1px dashed #ccc;margin-top:8px;padding:4px 6px;word-break:break-all}
        .none{color:#888;font-style:italic}code{font-size:11px}
        """;
}
