package org.slidebatch.tissue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.batch.PerSlidePartitionedStep;
import org.slidebatch.batch.SlideOutcome;
import org.slidebatch.batch.SlideTask;
import org.slidebatch.slide.SlideReaders;
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
 * seg level) and a {@code tissue_segmentation} row. Parameters: {@code preset} and CLAM's names (SPEC §9).
 */
@Configuration(proxyBeanMethods = false)
public class SegmentStepConfiguration {

    public static final String STEP = "segment";
    public static final String STAGE_FOLDER = "tissue";

    @Bean
    Step segmentStep(JobRepository repo, PlatformTransactionManager tx, SlideStore slides, StageResultStore results,
                     PassportStore passports, Workspace workspace) {
        return PerSlidePartitionedStep.build(STEP, STAGE_FOLDER, new SegmentTask(workspace, slides, results), repo, tx,
            slides, passports, workspace, System.out);
    }

    /** The preset named by {@code preset} (default: CLAM's create_patches_fp.py defaults) with CLAM-named overrides. */
    public static ClamSegmentationParams parameters(JobParameters p) {
        return ClamPresets.resolve(p.getString("preset"), overrides(p));
    }

    static Map<String, String> overrides(JobParameters p) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JobParameter<?> jp : p.parameters()) {
            if (ClamSegmentationParams.KEYS.contains(jp.name())) {
                out.put(jp.name(), String.valueOf(jp.value()));
            }
        }
        return out;
    }

    static final class SegmentTask implements SlideTask {

        private final Workspace workspace;
        private final SlideStore slides;
        private final StageResultStore results;

        SegmentTask(Workspace workspace, SlideStore slides, StageResultStore results) {
            this.workspace = workspace;
            this.slides = slides;
            this.results = results;
        }

        @Override
        public void open(JobParameters parameters) {
            OpenCvLoader.load();
            HostFacts.recordLibrary("opencv", OpenCvLoader.version());
        }

        @Override
        public SlideOutcome process(SlideRecord slide, JobParameters parameters) {
            Optional<String> excluded = qcExclusion(slides, slide.slideId(), parameters);
            if (excluded.isPresent()) {
                return SlideOutcome.skipped(excluded.get());
            }
            ClamSegmentationParams p = parameters(parameters);
            long start = System.nanoTime();
            TissueSegmentation seg;
            try (SlideReader reader = SlideReaders.open(Path.of(slide.path()), org.slidebatch.batch.Params.reader(parameters))) {
                seg = new ClamSegmenter().segment(slide.slideId(), reader, p);
            } catch (SegmentationRefusedException e) {
                return SlideOutcome.skipped(e.getMessage());
            }
            Path dir = workspace.stage(STAGE_FOLDER);
            Path geojson = dir.resolve(slide.slideId() + ".geojson");
            Path mask = dir.resolve(slide.slideId() + ".png");
            try {
                TissueOutputs.writeGeoJson(geojson, seg);
                TissueOutputs.writeMaskPng(mask, seg);
            } catch (java.io.IOException e) {
                return SlideOutcome.failed("cannot write tissue outputs for " + slide.slideId() + ": " + e.getMessage());
            }
            String preset = parameters.getString("preset") == null ? ClamPresets.DEFAULT : parameters.getString("preset");
            results.saveTissue(new TissueRow(slide.slideId(), slide.fingerprint(), preset, p.toString(), seg.segLevel(),
                seg.segDownsampleX(), seg.segDownsampleY(), seg.contours().size(), seg.holeCount(), seg.tissueAreaLevel0(),
                seg.tissueFraction(), geojson.toString(), mask.toString(), (System.nanoTime() - start) / 1e9, null,
                Instant.now()));
            return seg.contours().isEmpty() ? SlideOutcome.skipped("no tissue found (preset " + preset + ")") : SlideOutcome.done();
        }
    }

    /**
     * A slide that QC excluded is skipped by later stages, with QC's reasons (parameter {@code honor_qc=false}
     * turns this off, as OpenSlideFM's tiling does by default).
     */
    public static Optional<String> qcExclusion(SlideStore slides, String slideId, JobParameters parameters) {
        if ("false".equalsIgnoreCase(parameters.getString("honor_qc", "true"))) {
            return Optional.empty();
        }
        return slides.findStepStatus(slideId, "qc")
            .filter(s -> SlideStepStatus.EXCLUDED.equals(s.status()))
            .map(s -> "excluded by QC: " + s.reason());
    }
}
