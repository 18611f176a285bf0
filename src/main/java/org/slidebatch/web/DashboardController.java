package org.slidebatch.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slidebatch.store.RunHistoryStore;
import org.slidebatch.store.RunHistoryStore.JobRun;
import org.slidebatch.store.RunHistoryStore.Passport;
import org.slidebatch.store.RunHistoryStore.SlideStatus;
import org.slidebatch.store.RunHistoryStore.StepRun;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/** The dashboard pages: runs, one run, slides across steps, failures (server-side HTML), and the same as JSON. */
@Controller
@Profile(DashboardApplication.PROFILE)
class DashboardController {

    static final int PAGE = 200;

    private final RunHistoryStore store;

    DashboardController(RunHistoryStore store) {
        this.store = store;
    }

    static ResponseEntity<String> html(String body) {
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8)).body(body);
    }

    @GetMapping("/")
    ResponseEntity<String> runs() {
        List<JobRun> runs = store.runs(500);
        StringBuilder b = new StringBuilder();
        if (runs.isEmpty()) {
            b.append("<p class=\"muted\">No job executions in this repository yet.</p>\n");
        } else {
            b.append("<table>\n<thead><tr><th>execution</th><th>job</th><th>status</th><th>exit code</th><th>started</th>")
                .append("<th>ended</th><th>duration</th><th>who @ where (pid)</th></tr></thead>\n<tbody>\n");
            for (JobRun r : runs) {
                b.append("<tr><td class=\"n\"><a href=\"/runs/").append(r.executionId()).append("\">").append(r.executionId())
                    .append("</a></td><td>").append(Html.esc(r.jobName())).append("</td><td>").append(Html.status(r.status()))
                    .append("</td><td>").append(Html.esc(r.exitCode())).append("</td><td>").append(Html.time(r.start()))
                    .append("</td><td>").append(Html.time(r.end())).append("</td><td class=\"n\">").append(Html.duration(r.start(), r.end()))
                    .append("</td><td>").append(where(r)).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        return html(Html.page("Runs", "Runs", runs.stream().anyMatch(JobRun::running), b.toString()));
    }

    @GetMapping("/runs/{id}")
    ResponseEntity<String> run(@PathVariable long id) {
        JobRun r = store.run(id).orElse(null);
        if (r == null) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_HTML)
                .body(Html.page("No execution " + id, "Runs", false, "<p>No job execution " + id + " in this repository. <a href=\"/\">All runs</a></p>\n"));
        }
        StringBuilder b = new StringBuilder();
        b.append("<p>Job <b>").append(Html.esc(r.jobName())).append("</b>, instance ").append(r.instanceId()).append(": ")
            .append(Html.status(r.status())).append(" (exit ").append(Html.esc(r.exitCode())).append("); started ")
            .append(Html.time(r.start())).append(", ended ").append(Html.time(r.end())).append(", duration ")
            .append(Html.duration(r.start(), r.end())).append(r.host() == null ? "" : "; by " + where(r))
            .append(".</p>\n");
        if (r.exitMessage() != null && !r.exitMessage().isBlank()) {
            b.append("<div class=\"msg\">").append(Html.esc(abbreviate(r.exitMessage(), 4000))).append("</div>\n");
        }
        b.append("<h2>Parameters</h2>\n<table><tbody>\n");
        store.parameters(id).forEach(p -> b.append("<tr><td>").append(Html.esc(p.name())).append("</td><td>").append(Html.esc(p.value()))
            .append("</td><td class=\"muted\">").append(Html.esc(p.type())).append(p.identifying() ? ", identifying" : "").append("</td></tr>\n"));
        b.append("</tbody></table>\n<h2>Steps</h2>\n<table>\n<thead><tr><th>step execution</th><th>step</th><th>status</th>")
            .append("<th>read</th><th>write</th><th>skip</th><th>filter</th><th>commits</th><th>rollbacks</th><th>progress</th>")
            .append("<th>started</th><th>duration</th><th>exit message</th></tr></thead>\n<tbody>\n");
        for (StepRun s : store.steps(id)) {
            b.append("<tr><td class=\"n\">").append(s.stepExecutionId()).append("</td><td>").append(Html.esc(s.stepName()))
                .append("</td><td>").append(Html.status(s.status())).append("</td><td class=\"n\">").append(s.read())
                .append("</td><td class=\"n\">").append(s.write()).append("</td><td class=\"n\">").append(s.skips())
                .append("</td><td class=\"n\">").append(s.filter()).append("</td><td class=\"n\">").append(s.commits())
                .append("</td><td class=\"n\">").append(s.rollbacks()).append("</td><td>").append(progress(s.progress()))
                .append("</td><td>").append(Html.time(s.start())).append("</td><td class=\"n\">").append(Html.duration(s.start(), s.end()))
                .append("</td><td class=\"msg\">").append(Html.esc(abbreviate(s.exitMessage(), 600))).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n<h2>Compute passports</h2>\n");
        List<Passport> passports = store.passports(id);
        if (passports.isEmpty()) {
            b.append("<p class=\"muted\">No passport recorded yet (a step's passport is written when it ends).</p>\n");
        } else {
            b.append("<table>\n<thead><tr><th>step execution</th><th>step</th><th>host</th><th>CPU</th><th>RAM GiB</th><th>GPU</th>")
                .append("<th>JVM</th><th>slidebatch</th><th>parameters hash</th><th>wall s</th><th>CPU s</th><th>peak heap MiB</th>")
                .append("<th>in / out / skipped</th><th>items/s</th><th>notes</th></tr></thead>\n<tbody>\n");
            for (Passport p : passports) {
                b.append("<tr><td class=\"n\">").append(p.stepExecutionId()).append("</td><td>").append(Html.esc(p.stepName()))
                    .append("</td><td>").append(Html.esc(p.host())).append("</td><td>").append(Html.esc(p.cpuModel())).append(" (")
                    .append(p.cpuCores()).append(" cores)</td><td class=\"n\">").append(fmt(p.ramBytes() / 1073741824.0))
                    .append("</td><td>").append(Html.esc(p.gpu())).append("</td><td>").append(Html.esc(p.jvm())).append("</td><td>")
                    .append(Html.esc(p.projectVersion() + " " + p.gitCommit())).append("</td><td><code>")
                    .append(Html.esc(p.parametersHash() == null ? "" : p.parametersHash().substring(0, Math.min(12, p.parametersHash().length()))))
                    .append("</code></td><td class=\"n\">").append(fmt(p.wallSeconds())).append("</td><td class=\"n\">")
                    .append(fmt(p.cpuSeconds())).append("</td><td class=\"n\">").append(fmt(p.peakHeapBytes() / 1048576.0))
                    .append("</td><td class=\"n\">").append(p.itemsIn()).append(" / ").append(p.itemsOut()).append(" / ")
                    .append(p.itemsSkipped()).append("</td><td class=\"n\">").append(fmt(p.throughputPerSecond())).append("</td><td>")
                    .append(Html.esc(p.notes())).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        List<SlideStatus> problems = store.slideStatuses(id, true, 0, PAGE);
        b.append("<h2>Slides not done in this run</h2>\n");
        b.append(problems.isEmpty() ? "<p class=\"muted\">None.</p>\n" : slideTable(problems));
        return html(Html.page("Run " + id + " (" + r.jobName() + ")", "Runs", r.running(), b.toString()));
    }

    @GetMapping("/slides")
    ResponseEntity<String> slides(@RequestParam(defaultValue = "0") int offset) {
        long total = store.slideCount();
        List<String> ids = store.slideIds(offset, PAGE);
        List<String> steps = store.stepNames();
        Map<String, Map<String, SlideStatus>> statuses = store.statusesOf(ids);
        StringBuilder b = new StringBuilder();
        b.append("<p>").append(total).append(" slides; showing ").append(ids.isEmpty() ? 0 : offset + 1).append("–")
            .append(offset + ids.size()).append(". Each cell: the slide's status at that step (reason below when not done).</p>\n");
        b.append("<table>\n<thead><tr><th>slide</th>");
        steps.forEach(s -> b.append("<th>").append(Html.esc(s)).append("</th>"));
        b.append("</tr></thead>\n<tbody>\n");
        for (String id : ids) {
            b.append("<tr><td>").append(Html.esc(id)).append("</td>");
            for (String step : steps) {
                SlideStatus s = statuses.get(id).get(step);
                b.append("<td>");
                if (s != null) {
                    b.append(Html.status(s.status()));
                    if (s.jobExecutionId() != null) {
                        b.append(" <a href=\"/runs/").append(s.jobExecutionId()).append("\">run ").append(s.jobExecutionId()).append("</a>");
                    }
                    if (s.reason() != null && !s.reason().isBlank()) {
                        b.append("<div class=\"msg\">").append(Html.esc(abbreviate(s.reason(), 300))).append("</div>");
                    }
                }
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n<p>");
        if (offset > 0) {
            b.append("<a href=\"/slides?offset=").append(Math.max(0, offset - PAGE)).append("\">previous</a> ");
        }
        if (offset + ids.size() < total) {
            b.append("<a href=\"/slides?offset=").append(offset + PAGE).append("\">next</a>");
        }
        b.append("</p>\n");
        return html(Html.page("Slides across steps", "Slides", store.runs(50).stream().anyMatch(JobRun::running), b.toString()));
    }

    @GetMapping("/failures")
    ResponseEntity<String> failures() {
        StringBuilder b = new StringBuilder("<h2>Failed or stopped steps</h2>\n");
        var steps = store.failedSteps(200);
        if (steps.isEmpty()) {
            b.append("<p class=\"muted\">None.</p>\n");
        } else {
            b.append("<table>\n<thead><tr><th>run</th><th>job</th><th>step execution</th><th>step</th><th>status</th><th>ended</th>")
                .append("<th>message</th></tr></thead>\n<tbody>\n");
            for (var f : steps) {
                b.append("<tr><td class=\"n\"><a href=\"/runs/").append(f.jobExecutionId()).append("\">").append(f.jobExecutionId())
                    .append("</a></td><td>").append(Html.esc(f.jobName())).append("</td><td class=\"n\">").append(f.stepExecutionId())
                    .append("</td><td>").append(Html.esc(f.stepName())).append("</td><td>").append(Html.status(f.status()))
                    .append("</td><td>").append(Html.time(f.end())).append("</td><td class=\"msg\">")
                    .append(Html.esc(abbreviate(f.exitMessage(), 1500))).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        b.append("<h2>Slides not done (any run)</h2>\n");
        List<SlideStatus> slides = store.slideStatuses(null, true, 0, 500);
        b.append(slides.isEmpty() ? "<p class=\"muted\">None.</p>\n" : slideTable(slides));
        return html(Html.page("Failures", "Failures", false, b.toString()));
    }

    @GetMapping("/api/runs")
    @ResponseBody
    List<JobRun> apiRuns() {
        return store.runs(500);
    }

    record RunDetail(JobRun run, List<RunHistoryStore.Parameter> parameters, List<StepRun> steps, List<Passport> passports) {
    }

    @GetMapping("/api/runs/{id}")
    ResponseEntity<RunDetail> apiRun(@PathVariable long id) {
        return store.run(id).map(r -> ResponseEntity.ok(new RunDetail(r, store.parameters(id), store.steps(id), store.passports(id))))
            .orElse(ResponseEntity.notFound().build());
    }

    static String slideTable(List<SlideStatus> rows) {
        StringBuilder b = new StringBuilder("<table>\n<thead><tr><th>slide</th><th>step</th><th>status</th><th>run</th><th>when</th>")
            .append("<th>reason</th></tr></thead>\n<tbody>\n");
        for (SlideStatus s : rows) {
            b.append("<tr><td>").append(Html.esc(s.slideId())).append("</td><td>").append(Html.esc(s.stepName())).append("</td><td>")
                .append(Html.status(s.status())).append("</td><td>");
            if (s.jobExecutionId() != null) {
                b.append("<a href=\"/runs/").append(s.jobExecutionId()).append("\">").append(s.jobExecutionId()).append("</a>");
            }
            b.append("</td><td>").append(Html.time(s.updatedAt())).append("</td><td class=\"msg\">")
                .append(Html.esc(abbreviate(s.reason(), 600))).append("</td></tr>\n");
        }
        return b.append("</tbody>\n</table>\n").toString();
    }

    static String progress(Map<String, Object> p) {
        if (p.isEmpty() || !p.containsKey("done")) {
            return "";
        }
        long done = ((Number) p.get("done")).longValue();
        long total = p.get("total") instanceof Number n ? n.longValue() : -1;
        double rate = p.get("rate") instanceof Number n ? n.doubleValue() : 0;
        long eta = p.get("eta_seconds") instanceof Number n ? n.longValue() : -1;
        StringBuilder b = new StringBuilder();
        if (total > 0) {
            b.append("<span class=\"bar\"><span style=\"width:").append(Math.min(100, 100 * done / total)).append("%\"></span></span> ");
        }
        b.append("<span class=\"progress\">").append(done).append("/").append(total < 0 ? "?" : Long.toString(total)).append("</span>")
            .append(String.format(Locale.ROOT, ", %.2f/s", rate));
        if (eta >= 0) {
            b.append(String.format(Locale.ROOT, ", ETA %d:%02d:%02d", eta / 3600, (eta / 60) % 60, eta % 60));
        }
        return b.toString();
    }

    static String where(JobRun r) {
        if (r.host() == null) {
            return "";
        }
        return Html.esc((r.user() == null ? "" : r.user() + "@") + r.host()) + " (pid " + r.pid() + ")";
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String abbreviate(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
