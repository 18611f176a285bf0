package org.slidebatch.tiling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slidebatch.batch.Params;
import org.slidebatch.batch.PerSlidePartitionedStep;
import org.slidebatch.batch.SlideOutcome;
import org.slidebatch.batch.SlideTask;
import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.SlideReaders;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.store.GridSummaryRow;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.store.StageResultStore;
import org.slidebatch.tissue.ClamSegmentationParams;
import org.slidebatch.tissue.ClamSegmenter;
import org.slidebatch.tissue.SegmentStepConfiguration;
import org.slidebatch.tissue.TissueContour;
import org.slidebatch.tissue.TissueOutputs;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Step {@code grid}: CLAM patching as GPFM uses it (SPEC §4a) on the contours the {@code segment} step wrote.
 * Per slide: {@code grid/<slide_id>.parquet} and {@code grid/<slide_id>.h5} (CLAM's and TRIDENT's attributes).
 * Parameters: CLAM's {@code patch_size, step_size, patch_level, contour_fn, use_padding}; contour_fn and
 * use_padding default to the segmentation preset's.
 */
@Configuration(proxyBeanMethods = false)
public class GridStepConfiguration {

    public static final String STEP = "grid";
    public static final String STAGE_FOLDER = "grid";

    @Bean
    Step gridStep(JobRepository repo, PlatformTransactionManager tx, SlideStore slides, StageResultStore results,
                  PassportStore passports, Workspace workspace) {
        return PerSlidePartitionedStep.build(STEP, STAGE_FOLDER, new GridTask(workspace, slides, results), repo, tx, slides,
            passports, workspace, System.out);
    }

    /** The grid parameters: CLAM's create_patches_fp.py defaults (256/256/level 0) unless given; contour checks from the preset. */
    public static ClamGridPatcher.GridParams parameters(JobParameters p) {
        ClamSegmentationParams preset = SegmentStepConfiguration.parameters(p);
        return new ClamGridPatcher.GridParams(
            (int) Params.longValue(p, "patch_size", 256),
            (int) Params.longValue(p, "step_size", 256),
            (int) Params.longValue(p, "patch_level", 0),
            Params.string(p, "contour_fn", preset.contourFn()),
            Params.bool(p, "use_padding", preset.usePadding()));
    }

    static final class GridTask implements SlideTask {

        private final Workspace workspace;
        private final SlideStore slides;
        private final StageResultStore results;

        GridTask(Workspace workspace, SlideStore slides, StageResultStore results) {
            this.workspace = workspace;
            this.slides = slides;
            this.results = results;
        }

        @Override
        public SlideOutcome process(SlideRecord slide, JobParameters p) throws IOException {
            Optional<SlideStepStatus> seg = slides.findStepStatus(slide.slideId(), SegmentStepConfiguration.STEP);
            if (seg.isEmpty()) {
                return SlideOutcome.skipped("not segmented: run the segment step first");
            }
            if (!SlideStepStatus.DONE.equals(seg.get().status())) {
                return SlideOutcome.skipped("segment " + seg.get().status() + ": " + seg.get().reason());
            }
            Path geojson = workspace.stage(SegmentStepConfiguration.STAGE_FOLDER).resolve(slide.slideId() + ".geojson");
            if (!Files.isRegularFile(geojson)) {
                return SlideOutcome.failed("segmentation recorded but " + geojson + " is missing");
            }
            List<TissueContour> contours = TissueOutputs.readContours(geojson);
            ClamGridPatcher.GridParams gp = parameters(p);
            List<long[]> coords;
            LevelInfo level;
            double[] ds;
            long patchSizeLevel0;
            try (SlideReader reader = SlideReaders.open(Path.of(slide.path()), org.slidebatch.batch.Params.reader(p))) {
                level = reader.level(gp.patchLevel());
                int[] pd = ClamGridPatcher.patchDownsample(reader, gp.patchLevel());
                ds = ClamSegmenter.clamDownsample(reader.level(0), level);
                patchSizeLevel0 = ClamGridPatcher.patchSizeLevel0(reader, gp);
                coords = ClamGridPatcher.coords(contours, reader.width(), reader.height(), pd[0], pd[1], gp, false);
            }
            Path dir = workspace.stage(STAGE_FOLDER);
            Path parquet = dir.resolve(slide.slideId() + ".parquet");
            Path h5 = dir.resolve(slide.slideId() + ".h5");
            CoordinateFiles.writeGridParquet(parquet, slide.slideId(), coords, gp, patchSizeLevel0);
            CoordinateFiles.writeGridH5(h5, slide.slideId(), coords, gp, level.width(), level.height(), ds[0], ds[1]);
            results.saveGridSummary(new GridSummaryRow(slide.slideId(), slide.fingerprint(), gp.patchSize(), gp.stepSize(),
                gp.patchLevel(), gp.contourFn(), gp.usePadding(), coords.size(), parquet.toString(), h5.toString(),
                Instant.now()));
            return coords.isEmpty() ? SlideOutcome.skipped("no patch passes the contour checks")
                : new SlideOutcome(SlideStepStatus.DONE, coords.size() + " patches");
        }
    }

}
