package org.slidebatch.batch.remote;

import java.io.PrintStream;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.batch.PassportListener;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepLocator;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;

/**
 * The worker's side: takes one partition request, checks it is still wanted, runs the worker step through Spring
 * Batch's {@link StepExecutionRequestHandler}. A request is dropped (acknowledged, nothing run) when its step execution
 * is unknown, or is no longer STARTING/STARTED, or its job execution is no longer running: a manager that timed out, or
 * an execution that {@code restart} recovered, leaves requests behind that must not run against recovered partitions
 * (STACK-NOTES §10: without this, 30 of 40 slides ran twice). A worker that dies while running a request leaves it
 * unacknowledged, and RabbitMQ gives it to another worker, which resumes the STARTED step execution from its last commit.
 */
public final class PartitionWorker {

    private final JobRepository repo;
    private final StepExecutionRequestHandler delegate;
    private final String queue;
    private final PrintStream console;

    public PartitionWorker(JobRepository repo, StepLocator steps, String queue, PrintStream console) {
        this.repo = repo;
        this.queue = queue;
        this.console = console;
        this.delegate = new StepExecutionRequestHandler();
        delegate.setJobRepository(repo);
        delegate.setStepLocator(steps);
    }

    /** Why a request must not run, or null when it may. */
    static String staleReason(StepExecution se) {
        if (se == null) {
            return "no such step execution in this job repository";
        }
        BatchStatus s = se.getStatus();
        if (s != BatchStatus.STARTING && s != BatchStatus.STARTED) {
            return "its step execution is " + s;
        }
        JobExecution je = se.getJobExecution();
        if (je == null || (je.getStatus() != BatchStatus.STARTING && je.getStatus() != BatchStatus.STARTED)) {
            return "its job execution " + se.getJobExecutionId() + " is " + (je == null ? "gone" : je.getStatus());
        }
        return null;
    }

    /** Runs one request; never throws (the request is acknowledged either way: the job repository holds the outcome). */
    public void handle(StepExecutionRequest request) {
        long id = request.getStepExecutionId();
        StepExecution se;
        try {
            se = repo.getStepExecution(id);
        } catch (org.springframework.dao.EmptyResultDataAccessException e) {
            se = null;
        } catch (RuntimeException e) {
            console.printf("[worker] cannot read step execution %d from the job repository (%s); request dropped, "
                + "the manager's timeout and restart will send it again%n", id, e.getMessage());
            return;
        }
        String stale = staleReason(se);
        if (stale != null) {
            console.printf("[worker] dropped the request for %s (step execution %d): %s%n", request.getStepName(), id, stale);
            return;
        }
        console.printf("[worker] running %s (step execution %d of job execution %d)%n", se.getStepName(), id,
            se.getJobExecutionId());
        HostFacts h = HostFacts.current();
        PassportListener.WORKER.set("remote worker on " + h.host() + " pid " + ProcessHandle.current().pid()
            + " (queue " + queue + ")");
        try {
            StepExecution done = delegate.handle(request);
            console.printf("[worker] %s (step execution %d): %s%n", se.getStepName(), id, done.getStatus());
        } catch (Throwable t) {
            console.printf("[worker] %s (step execution %d) failed: %s%n", se.getStepName(), id, t);
        } finally {
            PassportListener.WORKER.remove();
        }
    }
}
