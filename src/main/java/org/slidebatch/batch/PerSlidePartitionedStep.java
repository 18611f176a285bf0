package org.slidebatch.batch;

import java.io.PrintStream;

import org.slidebatch.store.OutputFileStore;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideListStore;
import org.slidebatch.store.SlideStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The per-slide partitioned step for code written against {@link SlideTask} (compute and write in one call). New stages
 * use {@link SlideWork} through the {@link PerSlideSteps} bean, which writes through the step's writer and registers
 * every file; a {@link SlideTask} runs as the compute half of a {@link SlideWork}, outside the chunk transaction (its
 * own rows commit statement by statement; the slide's status commits with the reader position, as before).
 */
public final class PerSlidePartitionedStep {

    public static final String WORKERS = "workers";

    private PerSlidePartitionedStep() {
    }

    public static Step build(String name, String stageFolder, SlideTask task, JobRepository repo, PlatformTransactionManager tx,
                             SlideStore slides, PassportStore passports, Workspace workspace, PrintStream console) {
        PerSlideSteps steps = new PerSlideSteps(repo, tx, slides, new SlideListStore(slides.dataSource()), passports,
            new OutputFileStore(slides.dataSource()), workspace, console);
        return steps.build(name, stageFolder, () -> new PerSlideSteps.TaskWork(task));
    }

    public static int workers(JobParameters p) {
        String w = p.getString(WORKERS);
        if (w == null || w.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(w.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("workers must be a positive integer, got '" + w + "'");
        }
    }

    /** A worker step that builds fresh components for every execution (one per partition). */
    record FreshComponentsStep(String name, java.util.function.Supplier<Step> factory) implements Step {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public void execute(StepExecution stepExecution) throws org.springframework.batch.core.job.JobInterruptedException {
            factory.get().execute(stepExecution);
        }
    }
}
