package org.slidebatch.batch;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A step that runs a {@link SlideTask} on every usable slide, partitioned by slide over a local thread pool:
 * {@code <name>} is the manager, {@code <name>.slides:partitionN} the workers (stable names: they are the audit
 * trail). Partition N gets slides i with i mod workers == N of the sorted slide list, frozen in the partition's
 * execution context, so a restart re-runs only unfinished partitions from their last committed slide. Each slide's
 * status is written in the chunk transaction that commits the reader position: a slide is recorded exactly once.
 *
 * <p>Slides come from the manifest of this job instance when the job ran the manifest steps (parameter
 * {@code roots}), else from every usable slide of the workspace. Parameter {@code workers} (default: cores).
 */
public final class PerSlidePartitionedStep {

    public static final String SLIDE_IDS = "slide_ids";
    public static final String WORKERS = "workers";

    private PerSlidePartitionedStep() {
    }

    public static Step build(String name, String stageFolder, SlideTask task, JobRepository repo, PlatformTransactionManager tx,
                             SlideStore slides, PassportStore passports, Workspace workspace, PrintStream console) {
        String workerName = name + ".slides";
        // Each partition runs in its own thread with its own reader, processor, writer and listeners: the
        // components hold per-partition state (reader position, progress), so they are built per step execution.
        Step worker = new FreshComponentsStep(workerName, () -> {
            SlideIdReader reader = new SlideIdReader(workerName);
            return new StepBuilder(workerName, repo)
                .<String, SlideStepStatus>chunk(1)
                .transactionManager(tx)
                .reader(reader)
                .processor(new TaskProcessor(name, task, slides))
                .writer(new StatusWriter(slides))
                .listener(new ProgressListener(reader, "slides", console))
                .build();
        });
        SlidePartitioner partitioner = new SlidePartitioner(slides);
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(name + "-");
        return new StepBuilder(name, repo)
            .partitioner(workerName, partitioner)
            .step(worker)
            .gridSize(Runtime.getRuntime().availableProcessors())
            .taskExecutor(executor)
            .listener(partitioner)
            .listener(new PassportListener(passports, workspace, stageFolder))
            .build();
    }

    public static int workers(org.springframework.batch.core.job.parameters.JobParameters p) {
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

    /** Splits the usable slides over the workers; runs once per step (a restart reuses the saved partitions). */
    static final class SlidePartitioner implements Partitioner, StepExecutionListener {

        private final SlideStore slides;
        private StepExecution manager;

        SlidePartitioner(SlideStore slides) {
            this.slides = slides;
        }

        @Override
        public void beforeStep(StepExecution se) {
            this.manager = se;
        }

        @Override
        public Map<String, ExecutionContext> partition(int gridSize) {
            long instance = manager.getJobExecution().getJobInstance().getInstanceId();
            boolean ownManifest = manager.getJobParameters().getString("roots") != null;
            List<SlideRecord> all = ownManifest ? slides.findByManifestInstance(instance) : slides.findAll();
            List<String> ids = all.stream().filter(SlideRecord::isOk).map(SlideRecord::slideId).sorted().toList();
            int workers = Math.max(1, Math.min(workers(manager.getJobParameters()), Math.max(1, ids.size())));
            List<List<String>> parts = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                parts.add(new ArrayList<>());
            }
            for (int i = 0; i < ids.size(); i++) {
                parts.get(i % workers).add(ids.get(i));
            }
            Map<String, ExecutionContext> out = new LinkedHashMap<>();
            for (int i = 0; i < workers; i++) {
                ExecutionContext ctx = new ExecutionContext();
                ctx.putString(SLIDE_IDS, String.join("\n", parts.get(i)));
                out.put("partition" + i, ctx);
            }
            manager.getExecutionContext().putInt("slides.total", ids.size());
            return out;
        }
    }

    static final class SlideIdReader extends AbstractItemCountingItemStreamItemReader<String>
        implements StepExecutionListener, ProgressSource {

        private List<String> ids = List.of();
        private int next;
        private String raw = "";

        SlideIdReader(String name) {
            setName(name + ".reader");
        }

        @Override
        public void beforeStep(StepExecution se) {
            raw = se.getExecutionContext().getString(SLIDE_IDS, "");
        }

        @Override
        protected void doOpen() {
            ids = raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\n"));
            next = 0;
        }

        @Override
        protected String doRead() {
            return next < ids.size() ? ids.get(next++) : null;
        }

        @Override
        protected void jumpToItem(int itemIndex) {
            next = itemIndex;
        }

        @Override
        protected void doClose() {
        }

        @Override
        public int done() {
            return next;
        }

        @Override
        public int total() {
            return ids.size();
        }
    }

    /** Runs the task; a bad slide becomes a failed status with its reason and the run goes on. */
    static final class TaskProcessor implements ItemProcessor<String, SlideStepStatus>, StepExecutionListener {

        private final String stepName;
        private final SlideTask task;
        private final SlideStore slides;
        private final long debugDelayMs = Long.getLong("slidebatch.debug.item-delay-ms", 0);
        private StepExecution execution;

        TaskProcessor(String stepName, SlideTask task, SlideStore slides) {
            this.stepName = stepName;
            this.task = task;
            this.slides = slides;
        }

        @Override
        public void beforeStep(StepExecution se) {
            execution = se;
            task.open(se.getJobParameters());
        }

        @Override
        public SlideStepStatus process(String slideId) throws InterruptedException {
            if (debugDelayMs > 0) {
                Thread.sleep(debugDelayMs); // lets process-level crash tests kill the JVM mid-step
            }
            StepExecution se = execution;
            SlideRecord slide = slides.find(slideId).orElse(null);
            SlideOutcome outcome;
            if (slide == null || !slide.isOk()) {
                outcome = SlideOutcome.skipped(slide == null ? "slide no longer in the manifest" : slide.status() + ": " + slide.error());
            } else {
                try {
                    outcome = task.process(slide, se.getJobParameters());
                } catch (Exception | OutOfMemoryError e) {
                    outcome = SlideOutcome.failed(slide.path() + ": " + e.getMessage());
                }
            }
            return new SlideStepStatus(slideId, stepName, outcome.status(), outcome.reason(),
                slide == null ? null : slide.fingerprint(), se.getJobExecutionId(), se.getId(), Instant.now());
        }
    }

    static final class StatusWriter implements ItemWriter<SlideStepStatus> {

        private final SlideStore slides;

        StatusWriter(SlideStore slides) {
            this.slides = slides;
        }

        @Override
        public void write(Chunk<? extends SlideStepStatus> chunk) {
            for (SlideStepStatus s : chunk) {
                slides.saveStepStatus(s);
            }
        }
    }
}
