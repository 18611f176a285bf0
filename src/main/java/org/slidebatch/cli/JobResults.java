package org.slidebatch.cli;

import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/** The closing lines of run/restart: status, where outputs and history are, and the exit code. */
final class JobResults {

    private JobResults() {
    }

    static int report(JobExecution execution, Workspace workspace) {
        String name = execution.getJobInstance().getJobName();
        System.out.printf("[slidebatch] %s execution %d finished: %s%n", name, execution.getId(), execution.getStatus());
        System.out.printf("[slidebatch] outputs: %s   history: slidebatch --workspace %s show %d%n",
            workspace.root(), workspace.root(), execution.getId());
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            return 0;
        }
        String why = failureMessage(execution);
        if (why != null && !why.isBlank()) {
            String first = why.lines().findFirst().orElse(why);
            System.err.println("slidebatch: " + name + " " + execution.getStatus() + ": " + first);
        }
        if (execution.getStatus() == BatchStatus.FAILED || execution.getStatus() == BatchStatus.STOPPED) {
            System.err.println("slidebatch: continue it with: slidebatch restart " + execution.getId());
        }
        return 1;
    }

    /**
     * Why an execution did not complete: a failed per-slide partition's own reason first (the partitioned step above it
     * only says "Partition handler returned an unsuccessful step"), then the execution's exit description, else that
     * of its first failed step.
     */
    static String failureMessage(JobExecution execution) {
        String partition = execution.getStepExecutions().stream()
            .filter(s -> s.getStepName().contains(":partition") && s.getStatus() == BatchStatus.FAILED)
            .sorted(java.util.Comparator.comparing(org.springframework.batch.core.step.StepExecution::getId))
            .map(s -> s.getStepName() + ": " + Text.oneLine(s.getExitStatus().getExitDescription(), 400))
            .filter(w -> !w.endsWith(": "))
            .findFirst().orElse(null);
        if (partition != null) {
            return partition;
        }
        String why = execution.getExitStatus().getExitDescription();
        if (why != null && !why.isBlank()) {
            return why;
        }
        return execution.getStepExecutions().stream()
            .filter(s -> s.getStatus() == BatchStatus.FAILED || s.getStatus() == BatchStatus.STOPPED)
            .map(s -> s.getStepName() + ": " + Text.oneLine(s.getExitStatus().getExitDescription(), 400))
            .findFirst().orElse("");
    }
}
