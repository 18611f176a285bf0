package org.slidebatch.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slidebatch.store.ComputePassport;
import org.slidebatch.store.SlideStepStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true,
    description = "One job execution: parameters, steps with read/write/skip counts and progress, passports, failed slides.")
final class ShowCommand extends GlobalOptions implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "EXECUTION_ID")
    long executionId;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    record StepRow(long stepExecutionId, String step, String status, long read, long write, long skip, long filter,
                   long commits, long rollbacks, String start, String end, Map<String, Object> progress, String exitMessage) {
    }

    record Failure(String slideId, String step, String reason) {
    }

    record Report(long executionId, long instanceId, String job, String status, String exitCode, String exitMessage,
                  String parameters, String start, String end, List<StepRow> steps, List<ComputePassport> passports,
                  List<Failure> failures, List<org.slidebatch.store.OutputFileStore.OutputFile> files) {
    }

    @Override
    public Integer call() {
        try (BatchContext ctx = openContext()) {
            JobExecution e = ctx.execution(executionId);
            List<StepRow> steps = new ArrayList<>();
            List<StepExecution> stepExecutions = new ArrayList<>(e.getStepExecutions());
            stepExecutions.sort(Comparator.comparingLong(StepExecution::getId));
            for (StepExecution s : stepExecutions) {
                Map<String, Object> progress = new LinkedHashMap<>();
                for (var entry : s.getExecutionContext().entrySet()) {
                    if (entry.getKey().startsWith("progress.")) {
                        progress.put(entry.getKey().substring("progress.".length()), entry.getValue());
                    }
                }
                steps.add(new StepRow(s.getId(), s.getStepName(), s.getStatus().toString(), s.getReadCount(),
                    s.getWriteCount(), s.getSkipCount(), s.getFilterCount(), s.getCommitCount(), s.getRollbackCount(),
                    Text.time(s.getStartTime()), Text.time(s.getEndTime()), progress, s.getExitStatus().getExitDescription()));
            }
            List<Failure> failures = ctx.slides().findStepStatuses().stream()
                .filter(st -> st.jobExecutionId() != null && st.jobExecutionId() == executionId)
                .filter(st -> !SlideStepStatus.DONE.equals(st.status()))
                .map(st -> new Failure(st.slideId(), st.stepName(), st.reason())).toList();
            Report r = new Report(e.getId(), e.getJobInstanceId(), e.getJobInstance().getJobName(), e.getStatus().toString(),
                e.getExitStatus().getExitCode(), e.getExitStatus().getExitDescription(), RunCommand.describe(e.getJobParameters()),
                Text.time(e.getStartTime()), Text.time(e.getEndTime()), steps, ctx.passports().findByJobExecution(executionId),
                failures, ctx.outputFiles().findByJobExecution(executionId));
            if (json) {
                System.out.println(Json.write(r));
                return 0;
            }
            print(r);
            return 0;
        }
    }

    private static void print(Report r) {
        System.out.printf("execution %d (instance %d) of job %s: %s [%s]%n", r.executionId(), r.instanceId(), r.job(),
            r.status(), r.exitCode());
        System.out.printf("  parameters: %s%n  start: %s   end: %s%n", r.parameters(), r.start(), r.end());
        if (r.exitMessage() != null && !r.exitMessage().isBlank()) {
            System.out.printf("  exit message: %s%n", Text.oneLine(r.exitMessage(), 300));
        }
        System.out.printf("%n  %-6s %-18s %-10s %7s %7s %6s %6s %7s %9s  %s%n", "STEP#", "STEP", "STATUS", "READ", "WRITE",
            "SKIP", "FILTER", "COMMITS", "ROLLBACKS", "PROGRESS");
        for (StepRow s : r.steps()) {
            String progress = s.progress().isEmpty() ? "" : s.progress().get("done") + "/" + s.progress().get("total");
            System.out.printf("  %-6d %-18s %-10s %7d %7d %6d %6d %7d %9d  %s%n", s.stepExecutionId(), s.step(), s.status(),
                s.read(), s.write(), s.skip(), s.filter(), s.commits(), s.rollbacks(), progress);
            if (s.exitMessage() != null && !s.exitMessage().isBlank()) {
                System.out.printf("         %s%n", Text.oneLine(s.exitMessage(), 200));
            }
        }
        if (!r.passports().isEmpty()) {
            ComputePassport p = r.passports().getFirst();
            System.out.printf("%n  passport: host %s, %s, %d cores, %.1f GiB RAM, GPU %s%n", p.host(), p.cpuModel(),
                p.cpuCores(), p.ramBytes() / (1024.0 * 1024 * 1024), p.gpu());
            System.out.printf("            %s; %s; slidebatch %s (%s); parameters hash %s%n", p.jvm(), p.libraryVersions(),
                p.projectVersion(), p.gitCommit(), p.parametersHash().substring(0, 12));
            for (ComputePassport q : r.passports()) {
                System.out.printf("    %-18s wall %8.2fs  cpu %8.2fs  peak heap %6.0f MiB  peak RSS %6.0f MiB  in %d out %d skipped %d  %.2f/s%n",
                    q.stepName(), q.wallSeconds(), q.cpuSeconds(), q.peakHeapBytes() / 1048576.0,
                    q.peakRssBytes() / 1048576.0, q.itemsIn(), q.itemsOut(), q.itemsSkipped(), q.throughputPerSecond());
                if (q.pid() != p.pid() || !q.host().equals(p.host())) {
                    // a partition run by a remote worker (docs/scale-out.md)
                    System.out.printf("    %-18s ran on %s pid %d%n", "", q.host(), q.pid());
                }
                if (q.notes() != null) {
                    System.out.printf("    %-18s %s%n", "", q.notes());
                }
            }
        }
        if (!r.files().isEmpty()) {
            System.out.printf("%n  files written (%d; slidebatch trace FILE tells their provenance):%n", r.files().size());
            for (var f : r.files()) {
                System.out.printf("    %-6d %-18s %s  %s  %d bytes%n", f.stepExecutionId(), f.stepName(), f.path(),
                    f.sha256().substring(0, 12), f.bytes());
            }
        }
        if (!r.failures().isEmpty()) {
            System.out.printf("%n  slides not processed (%d):%n", r.failures().size());
            for (Failure f : r.failures()) {
                System.out.printf("    %-30s %-18s %s%n", f.slideId(), f.step(), Text.oneLine(f.reason(), 160));
            }
        }
    }
}
