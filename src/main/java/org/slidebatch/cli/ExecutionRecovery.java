package org.slidebatch.cli;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.slidebatch.store.SlideListStore;
import org.slidebatch.store.SlideStore;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Makes an execution that a crash left UNKNOWN, STARTING or STARTED restartable: for each unfinished partition of a
 * per-slide step it checks the per-slide records against the saved reader position (the position restart resumes from
 * must not pass a slide without a committed status; it is set to the last slide of the unbroken run of recorded ones),
 * then marks the unfinished steps and the execution FAILED. Spring Batch refuses to restart UNKNOWN ("manual
 * intervention"); this is that intervention, done from the records.
 */
final class ExecutionRecovery {

    private ExecutionRecovery() {
    }

    static void recover(JobExecution e, JobRepository repo, SlideStore slides, SlideListStore lists) {
        recoverSteps(e, repo, slides, lists, s -> s.getStatus() != BatchStatus.COMPLETED,
            "recovered after a crash: the owning process is gone");
        e.setStatus(BatchStatus.FAILED);
        e.setExitStatus(ExitStatus.FAILED.addExitDescription("recovered after a crash: the owning process is gone"));
        e.setEndTime(LocalDateTime.now());
        repo.update(e);
    }

    /**
     * The step executions of an ended execution that were left STARTING, STARTED or STOPPING: remote partitions whose
     * manager stopped waiting (remote_timeout_s) while no worker finished them. Spring Batch refuses to restart while
     * any exists. Each is marked FAILED as {@link #recover} does (a worker still running one cannot commit after
     * this: its step execution's version changed) and the worker-side guard drops their queued requests.
     *
     * @return how many were recovered
     */
    static int recoverStaleSteps(JobExecution e, JobRepository repo, SlideStore slides, SlideListStore lists) {
        return recoverSteps(e, repo, slides, lists, s -> s.getStatus().isRunning(),
            "recovered: the manager stopped waiting for this partition");
    }

    private static int recoverSteps(JobExecution e, JobRepository repo, SlideStore slides, SlideListStore lists,
                                    java.util.function.Predicate<StepExecution> which, String why) {
        Set<Long> instanceExecutions = repo.getJobExecutions(e.getJobInstance()).stream().map(JobExecution::getId)
            .collect(Collectors.toSet());
        int n = 0;
        for (StepExecution s : e.getStepExecutions()) {
            if (!which.test(s)) {
                continue;
            }
            n++;
            int partition = s.getStepName().indexOf(".slides:partition");
            ExecutionContext ctx = s.getExecutionContext();
            if (partition > 0 && ctx.containsKey("slides.list")) {
                String step = s.getStepName().substring(0, partition);
                String key = step + ".slides.reader.read.count";
                List<String> ids = lists.range(ctx.getLong("slides.list"), ctx.getInt("slides.from"), ctx.getInt("slides.to"));
                int recorded = 0;
                while (recorded < ids.size() && slides.findStepStatus(ids.get(recorded), step)
                    .map(st -> st.jobExecutionId() != null && instanceExecutions.contains(st.jobExecutionId())).orElse(false)) {
                    recorded++;
                }
                int saved = ctx.containsKey(key) ? ctx.getInt(key) : 0;
                System.out.printf("[slidebatch] %s: %d of %d slides recorded, reader position %d%s%n", s.getStepName(),
                    recorded, ids.size(), saved, recorded == saved ? "" : " -> " + recorded);
                if (recorded != saved) {
                    ctx.putInt(key, recorded);
                    repo.updateExecutionContext(s);
                }
            }
            s.setStatus(BatchStatus.FAILED);
            s.setExitStatus(ExitStatus.FAILED.addExitDescription(why));
            s.setEndTime(LocalDateTime.now());
            repo.update(s);
        }
        return n;
    }
}
