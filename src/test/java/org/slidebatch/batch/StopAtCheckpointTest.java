package org.slidebatch.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * A training step checks for a stop after each checkpoint; {@code slidebatch stop}, from another process, writes the
 * same step execution. Both go through Spring Batch's JDBC repository on one database, as two processes would.
 */
class StopAtCheckpointTest {

    @Test
    void aCheckpointWithoutAStopGoesOn() throws Exception {
        JobRepository training = repository("noStop");
        StepExecution step = runningStep(training);
        StopAtCheckpoint.check(training, step, "epoch 1");
        assertThat(training.getStepExecution(step.getId()).getStatus()).isEqualTo(BatchStatus.STARTED);
    }

    @Test
    void aStopWhoseWriteLandsBetweenTheStatusReadAndTheStepWriteStillStopsTheTraining() throws Exception {
        String db = "raced";
        JobRepository training = repository(db);
        JobRepository operator = repository(db);   // the stop command's process
        StepExecution step = runningStep(training);
        // The interleaving that failed CI: the training reads the job's status (still STARTED), the stop commits the
        // job STOPPING and the step execution at a new version, and the training's write then finds a stale version.
        boolean[] raced = {false};
        JobRepository racing = (JobRepository) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {JobRepository.class},
            (proxy, method, args) -> {
                if (!raced[0] && method.getName().equals("update") && args[0] instanceof StepExecution) {
                    raced[0] = true;
                    stopFromAnotherProcess(operator, step.getJobExecutionId(), step.getId());
                    throw new OptimisticLockingFailureException("Attempt to update step execution id=" + step.getId() + " with wrong version");
                }
                try {
                    return method.invoke(training, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        assertThatThrownBy(() -> StopAtCheckpoint.check(racing, step, "epoch 3"))
            .isInstanceOf(StopAtCheckpoint.Requested.class)
            .hasMessage("stop requested: stopped after writing checkpoint epoch 3; restart resumes from it");
        assertThat(raced[0]).isTrue();
        // The step's own final write (as AbstractStep makes it, STOPPED) is accepted: its version is current.
        step.setStatus(BatchStatus.STOPPED);
        training.update(step);
        assertThat(training.getStepExecution(step.getId()).getStatus()).isEqualTo(BatchStatus.STOPPED);
    }

    /** What Batch 6's JobOperator.stop writes: the job execution STOPPING, each running step execution STOPPED. */
    private static void stopFromAnotherProcess(JobRepository operator, long jobExecutionId, long stepExecutionId) {
        JobExecution job = operator.getJobExecution(jobExecutionId);
        job.setStatus(BatchStatus.STOPPING);
        operator.update(job);
        StepExecution step = operator.getStepExecution(stepExecutionId);
        step.setTerminateOnly();
        step.setStatus(BatchStatus.STOPPED);
        operator.update(step);
    }

    private static StepExecution runningStep(JobRepository repository) {
        var instance = repository.createJobInstance("grade", new JobParameters());
        JobExecution job = repository.createJobExecution(instance, new JobParameters(), new ExecutionContext());
        job.setStatus(BatchStatus.STARTED);
        job.setStartTime(java.time.LocalDateTime.now());
        repository.update(job);
        StepExecution step = repository.createStepExecution("grade", job);
        step.setStatus(BatchStatus.STARTED);
        repository.update(step);
        return step;
    }

    private static JobRepository repository(String db) throws Exception {
        var ds = new DriverManagerDataSource("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1");
        var populator = new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/schema-h2.sql"));
        populator.setContinueOnError(true);   // the second repository on one database finds the tables there
        populator.execute(ds);
        var factory = new JdbcJobRepositoryFactoryBean();
        factory.setDataSource(ds);
        factory.setTransactionManager(new DataSourceTransactionManager(ds));
        factory.afterPropertiesSet();
        return factory.getObject();
    }
}
