package org.slidebatch.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.slidebatch.store.RunHistoryStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The report executions and their pages, served from {@code <workspace>/report/<execution>/} (read only). */
@Controller
@Profile(DashboardApplication.PROFILE)
class ReportPagesController {

    private final RunHistoryStore store;
    private final Path reports;

    ReportPagesController(RunHistoryStore store, Workspace workspace) {
        this.store = store;
        this.reports = workspace.root().resolve("report").toAbsolutePath().normalize();
    }

    @GetMapping("/reports")
    ResponseEntity<String> list() {
        List<RunHistoryStore.ReportRun> runs = store.reports();
        StringBuilder b = new StringBuilder();
        if (runs.isEmpty()) {
            b.append("<p class=\"muted\">No report yet: run <code>slidebatch run report</code>.</p>\n");
        } else {
            b.append("<table>\n<thead><tr><th>report (job execution)</th><th>step execution</th><th>figures and tables drawn</th>")
                .append("<th>made</th></tr></thead>\n<tbody>\n");
            for (var r : runs) {
                boolean exists = r.jobExecutionId() != null && Files.isRegularFile(reports.resolve(r.jobExecutionId().toString()).resolve("index.html"));
                b.append("<tr><td class=\"n\">");
                if (exists) {
                    b.append("<a href=\"/reports/").append(r.jobExecutionId()).append("/index.html\">report ").append(r.jobExecutionId()).append("</a>");
                } else {
                    b.append(r.jobExecutionId() == null ? "?" : r.jobExecutionId() + " (folder gone)");
                }
                b.append("</td><td class=\"n\">").append(r.stepExecutionId()).append("</td><td class=\"n\">").append(r.available())
                    .append(" of ").append(r.items()).append("</td><td>").append(Html.time(r.recordedAt())).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        return DashboardController.html(Html.page("Reports", "Reports", false, b.toString()));
    }

    @GetMapping("/reports/{execution}/**")
    ResponseEntity<Resource> file(@PathVariable long execution, HttpServletRequest request) throws IOException {
        String prefix = "/reports/" + execution + "/";
        String uri = request.getRequestURI();
        String rest = uri.length() > prefix.length() ? java.net.URLDecoder.decode(uri.substring(prefix.length()), java.nio.charset.StandardCharsets.UTF_8) : "index.html";
        Path base = reports.resolve(Long.toString(execution));
        Path f = base.resolve(rest).normalize();
        if (!f.startsWith(base) || !Files.isRegularFile(f)) {
            return ResponseEntity.notFound().build();
        }
        MediaType type = MediaTypeFactory.getMediaType(f.getFileName().toString()).orElse(MediaType.APPLICATION_OCTET_STREAM);
        return ResponseEntity.ok().contentType(type).body(new FileSystemResource(f));
    }
}
