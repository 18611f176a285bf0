package org.slidebatch.jobs;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/** Records which process runs a job execution, so {@code restart} can tell a crashed run from a live one. */
public class ExecutionOwnerListener implements JobExecutionListener {

    private final PassportStore store;

    public ExecutionOwnerListener(PassportStore store) {
        this.store = store;
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        // Already recorded with the execution (RepositoryPlumbing); re-recorded here for repositories made without it.
        store.saveOwner(PassportStore.ExecutionOwner.current(jobExecution.getId(), HostFacts.current().host()));
        System.out.printf("[slidebatch] %s execution %d started (instance %d)%n", jobExecution.getJobInstance().getJobName(),
            jobExecution.getId(), jobExecution.getJobInstanceId());
    }
}
