package org.slidebatch.cli;

import java.util.concurrent.Callable;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobExecutionNotRunningException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "stop", mixinStandardHelpOptions = true,
    description = {"Ask a running job execution to stop at its next chunk boundary (it ends STOPPED and can be restarted).",
        "An execution whose process is gone is marked FAILED instead."})
final class StopCommand extends GlobalOptions implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "EXECUTION_ID")
    long executionId;

    @Override
    public Integer call() {
        try (BatchContext ctx = openContext()) {
            JobExecution e = ctx.execution(executionId);
            if (!e.getStatus().isRunning()) {
                throw new CliException("execution " + executionId + " is not running (it is " + e.getStatus() + ")");
            }
            var owner = ctx.passports().findOwner(executionId);
            if (ExecutionOwners.liveness(owner) == ExecutionOwners.Liveness.DEAD) {
                ctx.jobOperator().recover(e);
                System.out.println("[slidebatch] execution " + executionId + " had no live process ("
                    + ExecutionOwners.describe(owner) + "); marked FAILED. Continue it with: slidebatch restart " + executionId);
                return 0;
            }
            StopRequest.send(executionId, ctx::execution, fresh -> {
                try {
                    ctx.jobOperator().stop(fresh);
                } catch (JobExecutionNotRunningException ex) {
                    throw new CliException("execution " + executionId + " is not running (it is " + fresh.getStatus() + ")");
                }
            });
            System.out.println("[slidebatch] stop requested for execution " + executionId + " ("
                + ExecutionOwners.describe(owner) + "); it stops after the current chunk");
            return 0;
        }
    }
}
