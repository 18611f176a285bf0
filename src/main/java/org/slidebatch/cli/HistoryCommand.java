package org.slidebatch.cli;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
    description = "Job instances and executions: status, start, end, duration, exit message.")
final class HistoryCommand extends GlobalOptions implements Callable<Integer> {

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    record Row(long executionId, long instanceId, String job, String status, String exitCode, LocalDateTime start,
               LocalDateTime end, Double durationSeconds, String parameters, String exitMessage) {
    }

    @Override
    public Integer call() {
        try (BatchContext ctx = openContext()) {
            List<Row> rows = rows(ctx.jobRepository());
            if (json) {
                System.out.println(Json.write(rows));
                return 0;
            }
            if (rows.isEmpty()) {
                System.out.println("no job executions in " + workspace().root());
                return 0;
            }
            System.out.printf("%-6s %-6s %-12s %-10s %-19s %-19s %10s  %s%n", "EXEC", "INST", "JOB", "STATUS", "START", "END",
                "DURATION", "EXIT MESSAGE");
            for (Row r : rows) {
                System.out.printf("%-6d %-6d %-12s %-10s %-19s %-19s %10s  %s%n", r.executionId(), r.instanceId(), r.job(),
                    r.status(), Text.time(r.start()), Text.time(r.end()), Text.seconds(r.durationSeconds()),
                    Text.oneLine(r.exitMessage(), 100));
            }
            return 0;
        }
    }

    static List<Row> rows(JobRepository repo) {
        List<Row> rows = new ArrayList<>();
        for (String name : repo.getJobNames()) {
            for (JobInstance instance : repo.findJobInstances(name)) {
                for (JobExecution e : repo.getJobExecutions(instance)) {
                    Double duration = e.getStartTime() == null ? null
                        : Duration.between(e.getStartTime(), e.getEndTime() == null ? LocalDateTime.now() : e.getEndTime()).toMillis() / 1000.0;
                    rows.add(new Row(e.getId(), instance.getInstanceId(), name, e.getStatus().toString(),
                        e.getExitStatus().getExitCode(), e.getStartTime(), e.getEndTime(), duration,
                        RunCommand.describe(e.getJobParameters()), e.getExitStatus().getExitDescription()));
                }
            }
        }
        rows.sort(Comparator.comparingLong(Row::executionId));
        return rows;
    }
}
