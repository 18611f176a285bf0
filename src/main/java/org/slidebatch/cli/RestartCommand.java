package org.slidebatch.cli;

import java.util.concurrent.Callable;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobRestartException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restart", aliases = "recover", mixinStandardHelpOptions = true,
    description = {"Continue a FAILED, STOPPED or crashed job execution where it left off.",
        "An execution left STARTING, STARTED or UNKNOWN by a process that no longer exists (kill -9, power loss, a lost",
        "database connection) is first recovered: its per-slide records are checked against the saved positions, then it",
        "is marked FAILED and continued."})
final class RestartCommand extends GlobalOptions implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "EXECUTION_ID")
    long executionId;

    @Option(names = "--force", description = "Also take over an execution owned by a process on another host (make sure it is dead).")
    boolean force;

    @Override
    public Integer call() {
        try (BatchContext ctx = openContext()) {
            JobExecution e = ctx.execution(executionId);
            RemoteChecks.beforeLaunch(e.getJobParameters(), brokerConfigured());
            if (!e.getStatus().isRunning() && e.getStatus() != org.springframework.batch.core.BatchStatus.UNKNOWN
                && e.getStepExecutions().stream().anyMatch(s -> s.getStatus().isRunning())) {
                // A manager that timed out (remote_timeout_s) ended FAILED with partitions no worker finished.
                int n = ExecutionRecovery.recoverStaleSteps(e, ctx.jobRepository(), ctx.slides(), ctx.lists());
                System.out.println("[slidebatch] execution " + executionId + " ended " + e.getStatus() + " with " + n
                    + " partition(s) still STARTING/STARTED (the manager stopped waiting for them): marked FAILED; their queued "
                    + "requests are dropped by the workers");
                e = ctx.jobRepository().getJobExecution(executionId);
            }
            if (e.getStatus().isRunning() || e.getStatus() == org.springframework.batch.core.BatchStatus.UNKNOWN) {
                var owner = ctx.passports().findOwner(executionId);
                switch (ExecutionOwners.liveness(owner, ctx.passports().findClaims(e.getJobInstanceId(), executionId))) {
                    case ALIVE -> throw new CliException("execution " + executionId + " is still running ("
                        + ExecutionOwners.describe(owner) + "); stop it first with: slidebatch stop " + executionId, 3);
                    case OTHER_HOST, UNKNOWN -> {
                        if (!force) {
                            throw new CliException("execution " + executionId + " is " + e.getStatus() + " and owned by "
                                + ExecutionOwners.describe(owner) + ", which this host cannot check; if it is dead, use --force", 3);
                        }
                    }
                    case DEAD -> {
                        // fall through to recovery
                    }
                }
                System.out.println("[slidebatch] execution " + executionId + " was left " + e.getStatus() + " by "
                    + ExecutionOwners.describe(owner) + ", which is gone: marking it FAILED and continuing");
                ExecutionRecovery.recover(e, ctx.jobRepository(), ctx.slides(), ctx.lists());
                e = ctx.jobRepository().getJobExecution(executionId);
            }
            JobExecution next;
            try {
                next = ctx.jobOperator().restart(e);
            } catch (JobRestartException ex) {
                throw new CliException("cannot restart execution " + executionId + ": " + ex.getMessage());
            } catch (RuntimeException ex) {
                throw new CliException("cannot restart execution " + executionId + ": " + ex.getMessage(), ex);
            }
            return JobResults.report(next, workspace());
        }
    }
}
