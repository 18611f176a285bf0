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
        store.saveOwner(new PassportStore.ExecutionOwner(jobExecution.getId(), HostFacts.current().host(),
            ProcessHandle.current().pid()));
        System.out.printf("[slidebatch] %s execution %d started (instance %d)%n", jobExecution.getJobInstance().getJobName(),
            jobExecution.getId(), jobExecution.getJobInstanceId());
    }
}
