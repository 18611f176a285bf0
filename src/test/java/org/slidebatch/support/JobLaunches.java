package org.slidebatch.support;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;

/** Starts a job in-process with string parameters and a fresh run.id, so every call is a new job instance. */
public final class JobLaunches {

    private JobLaunches() {
    }

    public static JobExecution start(JobOperator operator, Job job, String... keyValues) throws Exception {
        JobParametersBuilder b = new JobParametersBuilder().addLong("run.id", System.nanoTime());
        for (int i = 0; i < keyValues.length; i += 2) {
            b.addString(keyValues[i], keyValues[i + 1]);
        }
        return operator.start(job, b.toJobParameters());
    }
}
