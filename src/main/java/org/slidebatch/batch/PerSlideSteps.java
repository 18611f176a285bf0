package org.slidebatch.batch;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.slidebatch.store.OutputFileStore;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideListStore;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepLocator;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds the per-slide partitioned steps: {@code <name>} is the manager, {@code <name>.slides:partitionN} the workers
 * (stable names: they are the audit trail). The manager freezes the sorted list of usable slides once (table
 * {@code step_slide_list}); partition N holds only an index range into it, so a restart re-runs only unfinished
 * partitions from their last committed slide, over exactly the same slides.
 *
 * <p>Per slide, the processor runs {@link SlideWork#compute} on a helper thread that has no transaction (the chunk
 * transaction takes its connection lazily, at the first statement, which is the writer's), and the writer runs
 * {@link SlideWork#write} and records the slide's status in the chunk transaction that commits the reader position: a
 * slide is recorded exactly once, and a connection is held only while a slide's rows are written. Every partition step
 * execution gets its own {@link SlideWork} instance and its own compute passport.
 *
 * <p>Slides come from the manifest of this job instance when the job ran the manifest steps (parameter
 * {@code roots}), else from every usable slide of the workspace. Parameter {@code workers} (default: cores).
 */
public class PerSlideSteps {

    static final String LIST_ID = "slides.list";
    static final String FROM = "slides.from";
    static final String TO = "slides.to";

    private final JobRepository repo;
    private final PlatformTransactionManager tx;
    private final SlideStore slides;
    private final SlideListStore lists;
    private final PassportStore passports;
    private final OutputFileStore files;
    private final Workspace workspace;
    private final PrintStream console;

    public PerSlideSteps(JobRepository repo, PlatformTransactionManager tx, SlideStore slides, SlideListStore lists,
                         PassportStore passports, OutputFileStore files, Workspace workspace, PrintStream console) {
        this.repo = repo;
        this.tx = tx;
        this.slides = slides;
        this.lists = lists;
        this.passports = passports;
        this.files = files;
        this.workspace = workspace;
        this.console = console;
    }

    /**
     * The partitioned step {@code name}; {@code work} makes the stage's work from the job parameters, once per partition
     * step execution (parse the stage's parameter record there: {@code p -> new QcWork(results, QcParameters.from(p))}).
     */
    public Step build(String name, String stageFolder, java.util.function.Function<JobParameters, ? extends SlideWork<?>> work) {
        return build(name, stageFolder, new ParsedWork(work));
    }

    /** The partitioned step {@code name}; {@code work} makes the stage's work, once per partition step execution. */
    public Step build(String name, String stageFolder, Supplier<? extends SlideWork<?>> work) {
        String workerName = name + ".slides";
        registry.put(name, new Registration(name, stageFolder, work));
        // Each partition runs in its own thread with its own reader, processor, writer, work and listeners: they hold
        // per-partition state (reader position, parsed parameters, progress, CPU at start), so they are step-scoped
        // beans (PerSlideScope): Spring Batch makes them for each partition step execution.
        Step worker = scoped == null
            ? new PerSlidePartitionedStep.FreshComponentsStep(workerName, () -> workerStep(workerName, partition(workerName)))
            : workerStep(workerName, scoped);
        workerSteps.put(workerName, worker);
        SlidePartitioner partitioner = new SlidePartitioner(slides, lists);
        return new StepBuilder(name, repo)
            .partitioner(workerName, partitioner)
            .partitionHandler(new PartitionDispatch(name, workerName, worker, remote))
            .listener(partitioner)
            .listener(new PassportListener(passports, workspace, stageFolder))
            .build();
    }

    private Step workerStep(String workerName, Partition p) {
        return new StepBuilder(workerName, repo)
            .<String, Computed>chunk(1)
            .transactionManager(tx)
            .reader(p.reader())
            .processor(p.processor())
            .writer(p.writer())
            .listener(p.progress())
            .listener(p.passport())
            .build();
    }

    /** A stage registered by {@link #build}. */
    record Registration(String step, String stageFolder, Supplier<? extends SlideWork<?>> work) {
    }

    /** The components of one partition step execution (step-scoped: see {@code PerSlideScope}). */
    public record Partition(SlideIdReader reader, ComputeProcessor processor, ResultWriter writer, ProgressListener progress,
                            PassportListener passport) {
    }

    private final java.util.Map<String, Registration> registry = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Step> workerSteps = new java.util.concurrent.ConcurrentHashMap<>();
    private Partition scoped;
    private Supplier<RemotePartitions> remote = () -> null;

    /** Where {@code partitioning=remote} sends the partitions (none: such a run is refused when its step starts). */
    public PerSlideSteps remote(Supplier<RemotePartitions> remote) {
        this.remote = remote;
        return this;
    }

    /**
     * The worker step of every per-slide step built here, by name ({@code qc.slides}): what a remote worker runs for a
     * partition request (the same step a local partition runs).
     */
    public StepLocator workerSteps() {
        return new StepLocator() {
            @Override
            public Step getStep(String stepName) {
                Step s = workerSteps.get(stepName);
                if (s == null) {
                    throw new IllegalStateException("no per-slide worker step '" + stepName + "' in this build (known: "
                        + new java.util.TreeSet<>(workerSteps.keySet()) + ")");
                }
                return s;
            }
        };
    }

    /** A {@link SlideTask} (compute and write in one call) as the work of {@link #build(String, String, Supplier)}. */
    public static Supplier<SlideWork<?>> task(SlideTask task) {
        return () -> new TaskWork(task);
    }

    /** Step-scoped proxies of the partition components; without them (the legacy builder) components are made per execution. */
    public PerSlideSteps scoped(Partition proxies) {
        this.scoped = proxies;
        return this;
    }

    /** Fresh components for the partition step execution named {@code <step>.slides:partitionN} (or the worker name). */
    public Partition partition(String stepExecutionName) {
        String workerName = stepExecutionName.contains(":") ? stepExecutionName.substring(0, stepExecutionName.indexOf(':'))
            : stepExecutionName;
        String name = workerName.substring(0, workerName.length() - ".slides".length());
        Registration r = registry.get(name);
        if (r == null) {
            throw new IllegalStateException("no per-slide step registered as '" + name + "'");
        }
        SlideIdReader reader = new SlideIdReader(workerName, lists);
        SlideWork<?> w = r.work().get();
        return new Partition(reader, new ComputeProcessor(w, slides), new ResultWriter(name, w, slides, files, tx),
            new ProgressListener(reader, "slides", console), new PassportListener(passports, workspace, r.stageFolder()));
    }

    /** A slide after compute: its record, outcome and the value for the writer (null: only the outcome is recorded). */
    record Computed(String slideId, SlideRecord slide, SlideOutcome outcome, Object value) {
    }

    /**
     * Runs the partitions of one manager step execution where its job parameters say ({@link Partitioning}): on threads
     * of this process, or as requests to remote workers. Both run the same worker step.
     */
    static final class PartitionDispatch implements PartitionHandler {

        private final String name;
        private final String workerName;
        private final Step worker;
        private final Supplier<RemotePartitions> remote;

        PartitionDispatch(String name, String workerName, Step worker, Supplier<RemotePartitions> remote) {
            this.name = name;
            this.workerName = workerName;
            this.worker = worker;
            this.remote = remote;
        }

        @Override
        public java.util.Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution manager) throws Exception {
            Partitioning p = Partitioning.from(manager.getJobParameters());
            if (p.remote()) {
                RemotePartitions r = remote.get();
                if (r == null) {
                    throw new IllegalStateException("partitioning=remote needs a message broker: give --broker amqp://HOST:5672 "
                        + "(or set SLIDEBATCH_BROKER or SPRING_RABBITMQ_ADDRESSES)");
                }
                return r.handler(workerName, p).handle(splitter, manager);
            }
            TaskExecutorPartitionHandler local = new TaskExecutorPartitionHandler();
            local.setStep(worker);
            SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor(name + "-");
            // partition_slides may make more partitions than workers: at most `workers` run at once.
            threads.setConcurrencyLimit(PerSlidePartitionedStep.workers(manager.getJobParameters()));
            local.setTaskExecutor(threads);
            local.setGridSize(Runtime.getRuntime().availableProcessors());
            local.afterPropertiesSet();
            return local.handle(splitter, manager);
        }
    }

    /** Splits the usable slides over the workers by index range; runs once per step (a restart reuses the partitions). */
    static final class SlidePartitioner implements Partitioner, StepExecutionListener {

        private final SlideStore slides;
        private final SlideListStore lists;
        private StepExecution manager;

        SlidePartitioner(SlideStore slides, SlideListStore lists) {
            this.slides = slides;
            this.lists = lists;
        }

        @Override
        public void beforeStep(StepExecution se) {
            this.manager = se;
        }

        @Override
        public Map<String, ExecutionContext> partition(int gridSize) {
            long instance = manager.getJobExecution().getJobInstance().getInstanceId();
            boolean ownManifest = manager.getJobParameters().getString("roots") != null;
            List<SlideRecord> all = ownManifest ? ownSlides(instance, manager.getJobParameters().getString("roots"))
                : slides.findAll();
            List<String> ids = all.stream().filter(SlideRecord::isOk).map(SlideRecord::slideId).sorted().toList();
            long listId = manager.getId();
            lists.freeze(listId, ids);
            int perPartition = Partitioning.from(manager.getJobParameters()).slidesPerPartition();
            int workers = perPartition > 0 ? Math.max(1, (ids.size() + perPartition - 1) / perPartition)
                : Math.max(1, Math.min(PerSlidePartitionedStep.workers(manager.getJobParameters()), Math.max(1, ids.size())));
            Map<String, ExecutionContext> out = new LinkedHashMap<>();
            for (int i = 0; i < workers; i++) {
                // Contiguous ranges of sizes ⌈n/w⌉ or ⌊n/w⌋.
                ExecutionContext ctx = new ExecutionContext();
                ctx.putLong(LIST_ID, listId);
                if (perPartition > 0) {
                    // Batches of partition_slides in list order (the last one may be shorter).
                    ctx.putInt(FROM, Math.min(ids.size(), i * perPartition));
                    ctx.putInt(TO, Math.min(ids.size(), (i + 1) * perPartition));
                } else {
                    ctx.putInt(FROM, (int) ((long) ids.size() * i / workers));
                    ctx.putInt(TO, (int) ((long) ids.size() * (i + 1) / workers));
                }
                out.put("partition" + i, ctx);
            }
            manager.getExecutionContext().putInt("slides.total", ids.size());
            return out;
        }

        /**
         * The slides of this job's own manifest: those it recorded, and those under its roots that a later job's manifest
         * re-recorded meanwhile (two jobs scanning the same folders at once each re-stamp the rows with their own instance;
         * by instance alone, the job that recorded first would find none and complete having done nothing).
         */
        private List<SlideRecord> ownSlides(long instance, String roots) {
            java.util.Map<String, SlideRecord> byId = new java.util.TreeMap<>();
            for (SlideRecord r : slides.findByManifestInstance(instance)) {
                byId.put(r.slideId(), r);
            }
            List<java.nio.file.Path> under = java.util.Arrays.stream(roots.split(",")).map(String::trim)
                .filter(x -> !x.isEmpty()).map(x -> java.nio.file.Path.of(x).toAbsolutePath().normalize()).toList();
            for (SlideRecord r : slides.findAll()) {
                // re-stamped by a manifest that started after ours (an older row is a file our scan no longer found)
                if (r.path() != null && !byId.containsKey(r.slideId()) && r.manifestJobInstanceId() != null
                    && r.manifestJobInstanceId() > instance) {
                    java.nio.file.Path path = java.nio.file.Path.of(r.path()).toAbsolutePath().normalize();
                    if (under.stream().anyMatch(path::startsWith)) {
                        byId.put(r.slideId(), r);
                    }
                }
            }
            return List.copyOf(byId.values());
        }
    }

    static class SlideIdReader extends AbstractItemCountingItemStreamItemReader<String>
        implements StepExecutionListener, ProgressSource {

        private final SlideListStore lists;
        private List<String> ids = List.of();
        private int next;
        private ExecutionContext partition;

        SlideIdReader(String name, SlideListStore lists) {
            this.lists = lists;
            setName(name + ".reader");
        }

        @Override
        public void beforeStep(StepExecution se) {
            partition = se.getExecutionContext();
        }

        @Override
        protected void doOpen() {
            // Outside any chunk transaction: one short read of this partition's slice of the frozen list.
            ids = partition == null || !partition.containsKey(LIST_ID) ? List.of()
                : lists.range(partition.getLong(LIST_ID), partition.getInt(FROM), partition.getInt(TO));
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

    /**
     * Computes a slide on a helper thread that carries no transaction, so the chunk transaction (whose connection is
     * lazy) takes no connection while the slide is computed, and the work's own reads borrow one only for a moment.
     * A bad slide becomes a failed outcome with its reason and the run goes on.
     */
    static class ComputeProcessor implements ItemProcessor<String, Computed>, StepExecutionListener {

        private final SlideWork<?> work;
        private final SlideStore slides;
        private final long debugDelayMs = Long.getLong("slidebatch.debug.item-delay-ms", 0);
        private ExecutorService computeThread;

        ComputeProcessor(SlideWork<?> work, SlideStore slides) {
            this.work = work;
            this.slides = slides;
        }

        @Override
        public void beforeStep(StepExecution se) {
            computeThread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon()
                .name(se.getStepName() + "-compute").unstarted(r));
            try {
                computeThread.submit(() -> {
                    // The compute thread serves this step execution only: give it the step context, as the chunk
                    // thread has, so work that asks Spring Batch for its step execution finds it.
                    org.springframework.batch.core.scope.context.StepSynchronizationManager.register(se);
                    work.open(se.getJobParameters());
                    return null;
                }).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot open " + se.getStepName() + ": " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while opening " + se.getStepName(), e);
            }
        }

        @Override
        public ExitStatus afterStep(StepExecution se) {
            computeThread.submit(org.springframework.batch.core.scope.context.StepSynchronizationManager::close);
            computeThread.shutdown();
            return se.getExitStatus();
        }

        @Override
        public Computed process(String slideId) throws Exception {
            try {
                return computeThread.submit(() -> compute(slideId)).get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
            }
        }

        private Computed compute(String slideId) throws InterruptedException {
            if (debugDelayMs > 0) {
                Thread.sleep(debugDelayMs); // lets process-level crash tests kill the JVM mid-step
            }
            SlideRecord slide = slides.find(slideId).orElse(null);
            if (slide == null || !slide.isOk()) {
                return new Computed(slideId, slide, SlideOutcome.skipped(slide == null ? "slide no longer in the manifest"
                    : slide.status() + ": " + slide.error()), null);
            }
            String changed = SlideFileCheck.changedSinceManifest(slide);
            if (changed != null) {
                return new Computed(slideId, slide, SlideOutcome.failed(changed), null);
            }
            try {
                SlideResult<?> r = work.compute(slide);
                return new Computed(slideId, slide, r.outcome(), r.value());
            } catch (Exception e) {
                if (org.slidebatch.workspace.StorageFailures.isEnvironmental(e)) {
                    // the workspace, not the slide: fail the step (restart redoes the slide once space is freed)
                    throw org.slidebatch.workspace.StorageFailures.stepFailure(slideId, e);
                }
                return new Computed(slideId, slide, SlideOutcome.failed(slide.path() + ": " + e.getMessage()), null);
            } catch (OutOfMemoryError e) {
                return new Computed(slideId, slide, SlideOutcome.failed(slide.path() + ": " + e.getMessage()), null);
            }
        }
    }

    /** Writes each slide's files and rows (in a savepoint) and its status, in the chunk transaction. */
    static class ResultWriter implements ItemWriter<Computed>, StepExecutionListener {

        private final String stepName;
        private final SlideWork<?> work;
        private final SlideStore slides;
        private final OutputFileStore files;
        private StepExecution execution;

        ResultWriter(String stepName, SlideWork<?> work, SlideStore slides, OutputFileStore files, PlatformTransactionManager tx) {
            this.stepName = stepName;
            this.work = work;
            this.slides = slides;
            this.files = files;
        }

        @Override
        public void beforeStep(StepExecution se) {
            execution = se;
        }

        @Override
        public void write(Chunk<? extends Computed> chunk) {
            for (Computed c : chunk) {
                SlideOutcome outcome = c.outcome();
                if (c.value() != null) {
                    try {
                        writeOne(c);
                    } catch (org.springframework.dao.DataAccessException e) {
                        throw e; // the database, not the slide: fail the chunk (restart redoes the slide)
                    } catch (Exception e) {
                        if (org.slidebatch.workspace.StorageFailures.isEnvironmental(e)) {
                            throw org.slidebatch.workspace.StorageFailures.stepFailure(
                                "cannot write the outputs of " + c.slideId(), e);
                        }
                        // Files are written before rows (SlideWork's contract), so a failed file leaves no row behind.
                        outcome = SlideOutcome.failed("cannot write the outputs of " + c.slideId() + ": " + e.getMessage());
                    }
                }
                slides.saveStepStatus(new SlideStepStatus(c.slideId(), stepName, outcome.status(), outcome.reason(),
                    c.slide() == null ? null : c.slide().fingerprint(), execution.getJobExecutionId(), execution.getId(),
                    Instant.now()));
            }
            if (!chunk.isEmpty()) {
                org.slidebatch.workspace.CrashPoints.reach("chunk-commit",
                    stepName + "/" + chunk.getItems().getLast().slideId());
            }
        }

        @SuppressWarnings("unchecked")
        private void writeOne(Computed c) throws Exception {
            SlideOutputs out = new SlideOutputs(files, c.slideId(), c.slide().fingerprint(), execution.getJobExecutionId(),
                execution.getId(), stepName);
            ((SlideWork<Object>) work).write(c.slide(), c.value(), out);
            out.register();
        }
    }

    /** A work made from the job parameters when the partition opens. */
    static final class ParsedWork implements Supplier<SlideWork<?>> {

        private final java.util.function.Function<JobParameters, ? extends SlideWork<?>> factory;

        ParsedWork(java.util.function.Function<JobParameters, ? extends SlideWork<?>> factory) {
            this.factory = factory;
        }

        @Override
        public SlideWork<?> get() {
            return new SlideWork<Object>() {
                private SlideWork<Object> work;

                @Override
                @SuppressWarnings("unchecked")
                public void open(JobParameters p) throws Exception {
                    work = (SlideWork<Object>) factory.apply(p);
                    work.open(p);
                }

                @Override
                public SlideResult<Object> compute(SlideRecord slide) throws Exception {
                    return work.compute(slide);
                }

                @Override
                public void write(SlideRecord slide, Object result, SlideOutputs outputs) throws Exception {
                    work.write(slide, result, outputs);
                }
            };
        }
    }

    /** The legacy {@link SlideTask} as a {@link SlideWork}: it computes and writes in compute (outside the transaction). */
    static final class TaskWork implements SlideWork<Void> {

        private final SlideTask task;
        private org.springframework.batch.core.job.parameters.JobParameters parameters;

        TaskWork(SlideTask task) {
            this.task = task;
        }

        @Override
        public void open(org.springframework.batch.core.job.parameters.JobParameters p) {
            this.parameters = p;
            task.open(p);
        }

        @Override
        public SlideResult<Void> compute(SlideRecord slide) throws Exception {
            return SlideResult.only(task.process(slide, parameters));
        }

        @Override
        public void write(SlideRecord slide, Void result, SlideOutputs outputs) {
        }
    }
}
