package org.slidebatch.tissue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.batch.PerSlideSteps;
import org.slidebatch.batch.SlideOutputs;
import org.slidebatch.batch.SlideResult;
import org.slidebatch.batch.SlideWork;
import org.slidebatch.qc.QcPolicy;
import org.slidebatch.batch.SlideOutcome;
import org.slidebatch.slide.SlideReaders;
import org.slidebatch.slide.ReaderChoice;
import org.slidebatch.batch.Params;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.store.StageResultStore;
import org.slidebatch.store.TissueRow;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Step {@code segment}: CLAM tissue segmentation of every usable slide, partitioned by slide over local worker
 * threads. Per slide: {@code tissue/<slide_id>.geojson} (level-0 px), {@code tissue/<slide_id>.png} (mask at the
 * seg level) and a {@code tissue_segmentation} row. Parameters: {@link SegmentParameters}.
 */
@Configuration(proxyBeanMethods = false)
public class SegmentStepConfiguration {

    public static final String STEP = "segment";
    public static final String STAGE_FOLDER = "tissue";

    @Bean
    Step segmentStep(PerSlideSteps steps, StageResultStore results, Workspace workspace) {
        return steps.build(STEP, STAGE_FOLDER, p -> new SegmentWork(workspace, results, SegmentParameters.from(p), Params.reader(p)));
    }

    /** The preset named by {@code preset} (default: CLAM's create_patches_fp.py defaults) with CLAM-named overrides. */
    public static ClamSegmentationParams parameters(JobParameters p) {
        return SegmentParameters.from(p).clam();
    }

    /** A slide's segmentation, computed; written by the step's writer. */
    record Segmented(TissueSegmentation seg, TissueRow row, Path geojson, Path mask) {
    }

    /** CLAM segmentation of one slide; {@code parameters} parsed once per partition step execution. */
    record SegmentWork(Workspace workspace, StageResultStore results, SegmentParameters parameters, ReaderChoice readerChoice)
        implements SlideWork<Segmented> {

        @Override
        public void open(JobParameters p) {
            OpenCvLoader.load();
            HostFacts.recordLibrary("opencv", OpenCvLoader.version());
        }

        @Override
        public SlideResult<Segmented> compute(SlideRecord slide) {
            Optional<String> excluded = parameters.qcPolicy().refusal(results.findQc(slide.slideId())
                .filter(q -> java.util.Objects.equals(q.fingerprint(), slide.fingerprint())));
            if (excluded.isPresent()) {
                return SlideResult.only(SlideOutcome.skipped(excluded.get()));
            }
            long start = System.nanoTime();
            TissueSegmentation seg;
            try (SlideReader reader = SlideReaders.open(Path.of(slide.path()), readerChoice)) {
                seg = new ClamSegmenter().segment(slide.slideId(), reader, parameters.clam());
            } catch (SegmentationRefusedException e) {
                return SlideResult.only(SlideOutcome.skipped(e.getMessage()));
            }
            Path dir = workspace.stage(STAGE_FOLDER);
            Path geojson = dir.resolve(slide.slideId() + ".geojson");
            Path mask = dir.resolve(slide.slideId() + ".png");
            TissueRow row = new TissueRow(slide.slideId(), slide.fingerprint(), parameters.preset(), parameters.clam().toString(),
                seg.segLevel(), seg.segDownsampleX(), seg.segDownsampleY(), seg.contours().size(), seg.holeCount(),
                seg.tissueAreaLevel0(), seg.tissueFraction(), geojson.toString(), mask.toString(),
                (System.nanoTime() - start) / 1e9, null, Instant.now());
            return SlideResult.write(new Segmented(seg, row, geojson, mask), seg.contours().isEmpty()
                ? SlideOutcome.skipped("no tissue found (preset " + parameters.preset() + ")") : SlideOutcome.done());
        }

        @Override
        public void write(SlideRecord slide, Segmented s, SlideOutputs out) throws java.io.IOException {
            out.file(s.geojson(), p -> TissueOutputs.writeGeoJson(p, s.seg()));
            out.file(s.mask(), p -> TissueOutputs.writeMaskPng(p, s.seg()));
            results.saveTissue(s.row(), new StageResultStore.Run(out.jobExecutionId(), out.stepExecutionId()));
        }
    }

    /** A slide QC excluded, under {@code qc_policy} (default strict here; see {@link QcPolicy}). */
    public static Optional<String> qcExclusion(StageResultStore results, String slideId, JobParameters parameters) {
        return QcPolicy.from(parameters, QcPolicy.STRICT).refusal(results.findQc(slideId));
    }
}
