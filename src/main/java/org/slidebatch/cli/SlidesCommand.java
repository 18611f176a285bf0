package org.slidebatch.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slidebatch.store.ScanIssue;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "slides", mixinStandardHelpOptions = true,
    description = "Per-slide status across steps: manifest status, µm/px, and what each step did (with reasons).")
final class SlidesCommand extends GlobalOptions implements Callable<Integer> {

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    record SlideRow(String slideId, String path, String manifestStatus, Double mpp, Map<String, String> steps, String reason) {
    }

    @Override
    public Integer call() {
        try (BatchContext ctx = openContext()) {
            Map<String, SlideRow> rows = new LinkedHashMap<>();
            for (SlideRecord s : ctx.slides().findAll()) {
                rows.put(s.slideId(), new SlideRow(s.slideId(), s.path(), s.status(), s.mppX(), new LinkedHashMap<>(),
                    s.isOk() ? null : s.error()));
            }
            // What the scans could not use (a second file with a taken id, an unlistable folder, a link loop):
            // shown beside the slides, keyed by path since their ids are taken or absent.
            for (ScanIssue i : ctx.scanIssues().findCurrent()) {
                rows.put("scan:" + i.path(), new SlideRow(i.slideId() == null ? i.path() : i.slideId(), i.path(), i.kind(),
                    null, new LinkedHashMap<>(), i.reason()));
            }
            // Steps in the order they first ran, so the columns read like the pipeline.
            Map<String, java.time.Instant> firstRun = new LinkedHashMap<>();
            List<SlideStepStatus> statuses = ctx.slides().findStepStatuses();
            for (SlideStepStatus st : statuses) {
                firstRun.merge(st.stepName(), st.updatedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
            List<String> stepNames = firstRun.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey).toList();
            for (SlideStepStatus st : statuses) {
                SlideRow row = rows.computeIfAbsent(st.slideId(),
                    id -> new SlideRow(id, null, "-", null, new LinkedHashMap<>(), null));
                row.steps().put(st.stepName(), st.status() + (st.reason() == null ? "" : ": " + st.reason()));
            }
            List<SlideRow> list = new ArrayList<>(rows.values());
            if (json) {
                System.out.println(Json.write(list));
                return 0;
            }
            if (list.isEmpty()) {
                System.out.println("no slides recorded in " + workspace().root() + " (run: slidebatch run manifest --param roots=DIR)");
                return 0;
            }
            StringBuilder header = new StringBuilder(String.format("%-32s %-17s %-7s", "SLIDE", "MANIFEST", "MPP"));
            for (String s : stepNames) {
                header.append(String.format(" %-16s", s));
            }
            System.out.println(header.append("  REASON"));
            for (SlideRow r : list) {
                StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%-32s %-17s %-7s",
                    Text.visible(r.slideId(), 32), r.manifestStatus(), r.mpp() == null ? "-" : String.format(java.util.Locale.ROOT, "%.3f", r.mpp())));
                String reason = r.reason();
                for (String s : stepNames) {
                    String st = r.steps().getOrDefault(s, "-");
                    int colon = st.indexOf(':');
                    String status = colon > 0 ? st.substring(0, colon) : st;
                    line.append(String.format(" %-16s", status));
                    // The reason column explains why a slide was not processed, so only non-done statuses count.
                    if (colon > 0 && reason == null && !status.equals(SlideStepStatus.DONE)) {
                        reason = s + ": " + st.substring(colon + 1).trim();
                    }
                }
                if (reason == null && "ok".equals(r.manifestStatus()) && r.mpp() == null) {
                    reason = "mpp_missing";
                }
                System.out.println(line.append("  ").append(Text.visible(reason, 120)));
            }
            return 0;
        }
    }
}
