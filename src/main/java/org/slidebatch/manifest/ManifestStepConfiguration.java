package org.slidebatch.manifest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.slidebatch.batch.PassportListener;
import org.slidebatch.batch.ProgressListener;
import org.slidebatch.batch.ProgressSource;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.ScanIssue;
import org.slidebatch.store.ScanIssueStore;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The manifest stage as three steps:
 * {@code manifest.scan} freezes the sorted file list of this job instance;
 * {@code manifest.record} inspects each file in chunks, writing the slide row and its step status in the same
 * transaction that commits the reader's position (so a kill -9 loses or repeats nothing);
 * {@code manifest.export} writes Parquet, CSV, the failed list and figures from the database.
 */
@Configuration(proxyBeanMethods = false)
public class ManifestStepConfiguration {

    public static final String SCAN_STEP = "manifest.scan";
    public static final String RECORD_STEP = "manifest.record";
    public static final String EXPORT_STEP = "manifest.export";
    public static final String STAGE_FOLDER = "manifest";
    static final int CHUNK_SIZE = 10;

    @Bean
    Step manifestScanStep(JobRepository jobRepository, PlatformTransactionManager tx, Workspace workspace,
                          PassportStore passports, ScanIssueStore scanIssues) {
        return new StepBuilder(SCAN_STEP, jobRepository)
            .tasklet((contribution, chunk) -> {
                StepExecution se = contribution.getStepExecution();
                ManifestParameters params = ManifestParameters.from(se.getJobParameters());
                SlideScanner.Result scan = SlideScanner.scanAll(params.roots(), workspace.root(), SlideScanner.LOCAL);
                List<SlideRef> refs = scan.slides();
                long instance = se.getJobExecution().getJobInstance().getInstanceId();
                Path list = ScanList.file(workspace.stage(STAGE_FOLDER), instance);
                ScanList.write(list, refs);
                scanIssues.replace(instance, scan.issues(), se.getJobExecutionId(), se.getId());
                se.getJobExecution().getExecutionContext().putInt("manifest.slides_found", refs.size());
                contribution.incrementWriteCount(refs.size());
                System.out.println("[" + SCAN_STEP + "] found " + refs.size() + " slide files under " + params.roots()
                    + (scan.issues().isEmpty() ? "" : "; " + scan.issues().size() + " not used (manifest/failed-slides.csv):"));
                for (ScanIssue i : scan.issues()) {
                    System.out.println("[" + SCAN_STEP + "]   " + i.kind() + " " + i.path() + ": " + i.reason());
                }
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    @Bean
    Step manifestRecordStep(JobRepository jobRepository, PlatformTransactionManager tx, Workspace workspace,
                            SlideStore slides, PassportStore passports) {
        ScanListReader reader = new ScanListReader(workspace);
        return new StepBuilder(RECORD_STEP, jobRepository)
            .<SlideRef, SlideRecord>chunk(CHUNK_SIZE)
            .transactionManager(tx)
            .reader(reader)
            .processor(new InspectProcessor(slides))
            .writer(new RecordWriter(slides))
            .listener(new ProgressListener(reader, "slides", System.out))
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    @Bean
    Step manifestExportStep(JobRepository jobRepository, PlatformTransactionManager tx, Workspace workspace,
                            SlideStore slides, PassportStore passports, ScanIssueStore scanIssues) {
        return new StepBuilder(EXPORT_STEP, jobRepository)
            .tasklet((contribution, chunk) -> {
                StepExecution se = contribution.getStepExecution();
                long instance = se.getJobExecution().getJobInstance().getInstanceId();
                List<SlideRecord> rows = slides.findByManifestInstance(instance);
                List<ScanIssue> issues = scanIssues.findByManifestInstance(instance);
                ManifestOutputs.write(workspace.stage(STAGE_FOLDER), workspace.figures(), rows, issues);
                contribution.incrementWriteCount(rows.size());
                long failed = rows.stream().filter(r -> !r.isOk()).count();
                long noMpp = rows.stream().filter(r -> r.isOk() && r.mppMissing()).count();
                System.out.printf("[%s] %d slides recorded (%d not usable, %d without µm/px), %d scan issues -> %s%n", EXPORT_STEP,
                    rows.size(), failed, noMpp, issues.size(), workspace.stage(STAGE_FOLDER).resolve("manifest.parquet"));
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    /** Reads the frozen scan list; its position is saved with each chunk (Spring Batch's item count). */
    static final class ScanListReader extends AbstractItemCountingItemStreamItemReader<SlideRef>
        implements StepExecutionListener, ProgressSource {

        private final Workspace workspace;
        private List<SlideRef> refs = List.of();
        private int next;
        private Path listFile;

        ScanListReader(Workspace workspace) {
            this.workspace = workspace;
            setName(RECORD_STEP + ".reader");
        }

        @Override
        public void beforeStep(StepExecution se) {
            listFile = ScanList.file(workspace.stage(STAGE_FOLDER), se.getJobExecution().getJobInstance().getInstanceId());
        }

        @Override
        protected void doOpen() throws Exception {
            refs = ScanList.read(listFile);
            next = 0;
        }

        @Override
        protected SlideRef doRead() {
            return next < refs.size() ? refs.get(next++) : null;
        }

        @Override
        protected void jumpToItem(int itemIndex) {
            next = itemIndex;
        }

        @Override
        protected void doClose() {
            refs = List.of();
        }

        @Override
        public int done() {
            return next;
        }

        @Override
        public int total() {
            return refs.size();
        }
    }

    /** Inspects one file; a slide id already taken by another file of this manifest is recorded as a duplicate. */
    static final class InspectProcessor implements ItemProcessor<SlideRef, SlideRecord>, StepExecutionListener {

        private final SlideStore slides;
        private final long debugDelayMs = Long.getLong("slidebatch.debug.item-delay-ms", 0);
        private ManifestInspector inspector;
        private long instanceId;

        InspectProcessor(SlideStore slides) {
            this.slides = slides;
        }

        @Override
        public void beforeStep(StepExecution se) {
            ManifestParameters params = ManifestParameters.from(se.getJobParameters());
            inspector = new ManifestInspector(MppOverrides.load(params.mppCsv()), params.fullChecksum(), OpenSlideReader::open);
            instanceId = se.getJobExecution().getJobInstance().getInstanceId();
        }

        @Override
        public SlideRecord process(SlideRef ref) throws InterruptedException {
            if (debugDelayMs > 0) {
                Thread.sleep(debugDelayMs); // lets process-level crash tests kill the JVM mid-step
            }
            Optional<SlideRecord> taken = slides.find(ref.slideId());
            if (taken.isPresent() && !taken.get().path().equals(ref.path().toString())
                && Long.valueOf(instanceId).equals(taken.get().manifestJobInstanceId())) {
                return inspector.inspect(ref).withStatus(SlideRecord.DUPLICATE_ID,
                    "slide id '" + ref.slideId() + "' is already used by " + taken.get().path());
            }
            return inspector.inspect(ref);
        }
    }

    static final class RecordWriter implements ItemWriter<SlideRecord>, StepExecutionListener {

        private final SlideStore slides;
        private StepExecution stepExecution;

        RecordWriter(SlideStore slides) {
            this.slides = slides;
        }

        @Override
        public void beforeStep(StepExecution se) {
            this.stepExecution = se;
        }

        @Override
        public void write(Chunk<? extends SlideRecord> chunk) {
            long instance = stepExecution.getJobExecution().getJobInstance().getInstanceId();
            for (SlideRecord found : chunk) {
                SlideRecord r = found;
                if (r.isOk() && r.fingerprint() != null) {
                    // The same file under a second name would be counted twice (in training, in evaluation folds).
                    SlideRecord first = slides.findOkByFingerprint(r.fingerprint(), r.slideId()).orElse(null);
                    if (first != null) {
                        r = r.withStatus(SlideRecord.DUPLICATE_CONTENT, "same content as slide '" + first.slideId()
                            + "' (" + first.path() + ", fingerprint " + r.fingerprint() + "); only '" + first.slideId()
                            + "' is used (remove one copy, or change one if they are different slides)");
                    }
                }
                SlideRecord row = r.withExecution(instance, stepExecution.getJobExecutionId(), stepExecution.getId());
                if (SlideRecord.DUPLICATE_ID.equals(r.status())) {
                    // Keep the first file's row; the duplicate is reported in the step status and the log.
                    System.out.println("[" + RECORD_STEP + "] " + r.path() + ": " + r.error());
                } else {
                    slides.saveManifestEntry(row, RECORD_STEP);
                }
                slides.saveStepStatus(new SlideStepStatus(r.slideId() + (SlideRecord.DUPLICATE_ID.equals(r.status()) ? "@" + r.path() : ""),
                    RECORD_STEP, r.isOk() ? SlideStepStatus.DONE : SlideStepStatus.FAILED,
                    r.isOk() ? null : r.status() + ": " + r.error(), r.fingerprint(),
                    stepExecution.getJobExecutionId(), stepExecution.getId(), Instant.now()));
            }
            if (!chunk.isEmpty()) {
                org.slidebatch.workspace.CrashPoints.reach("chunk-commit", RECORD_STEP + "/" + chunk.getItems().getLast().slideId());
            }
        }
    }
}
