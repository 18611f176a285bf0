package org.slidebatch.tiling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slidebatch.batch.Params;
import org.slidebatch.batch.PerSlideSteps;
import org.slidebatch.batch.SlideOutputs;
import org.slidebatch.batch.SlideResult;
import org.slidebatch.batch.SlideWork;
import org.slidebatch.batch.SlideOutcome;
import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.SlideReaders;
import org.slidebatch.slide.ReaderChoice;
import org.slidebatch.batch.Params;
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
    Step gridStep(PerSlideSteps steps, SlideStore slides, StageResultStore results, Workspace workspace) {
        return steps.build(STEP, STAGE_FOLDER, p -> new GridWork(workspace, slides, results, GridParameters.from(p), Params.reader(p)));
    }

    /** The grid parameters (see {@link GridParameters}). */
    public static ClamGridPatcher.GridParams parameters(JobParameters p) {
        return GridParameters.from(p);
    }

    /** A slide's grid, computed; written by the step's writer. */
    record Grid(List<long[]> coords, ClamGridPatcher.GridParams gp, LevelInfo level, double[] ds, long patchSizeLevel0,
                Path parquet, Path h5) {
    }

    /** The CLAM grid of one slide; {@code gp} parsed once per partition step execution. */
    record GridWork(Workspace workspace, SlideStore slides, StageResultStore results, ClamGridPatcher.GridParams gp,
                    ReaderChoice readerChoice)
        implements SlideWork<Grid> {

        @Override
        public SlideResult<Grid> compute(SlideRecord slide) throws IOException {
            Optional<SlideStepStatus> seg = slides.findStepStatus(slide.slideId(), SegmentStepConfiguration.STEP);
            if (seg.isEmpty()) {
                return SlideResult.only(SlideOutcome.skipped("not segmented: run the segment step first"));
            }
            if (!SlideStepStatus.DONE.equals(seg.get().status())) {
                return SlideResult.only(SlideOutcome.skipped("segment " + seg.get().status() + ": " + seg.get().reason()));
            }
            Path geojson = workspace.stage(SegmentStepConfiguration.STAGE_FOLDER).resolve(slide.slideId() + ".geojson");
            if (!Files.isRegularFile(geojson)) {
                return SlideResult.only(SlideOutcome.failed("segmentation recorded but " + geojson + " is missing"));
            }
            List<TissueContour> contours = TissueOutputs.readContours(geojson);
            Grid grid;
            Path dir = workspace.stage(STAGE_FOLDER);
            try (SlideReader reader = SlideReaders.open(Path.of(slide.path()), readerChoice)) {
                int[] pd = ClamGridPatcher.patchDownsample(reader, gp.patchLevel());
                grid = new Grid(ClamGridPatcher.coords(contours, reader.width(), reader.height(), pd[0], pd[1], gp, false), gp,
                    reader.level(gp.patchLevel()), ClamSegmenter.clamDownsample(reader.level(0), reader.level(gp.patchLevel())),
                    ClamGridPatcher.patchSizeLevel0(reader, gp), dir.resolve(slide.slideId() + ".parquet"),
                    dir.resolve(slide.slideId() + ".h5"));
            }
            return SlideResult.write(grid, grid.coords().isEmpty() ? SlideOutcome.skipped("no patch passes the contour checks")
                : new SlideOutcome(SlideStepStatus.DONE, grid.coords().size() + " patches"));
        }

        @Override
        public void write(SlideRecord slide, Grid g, SlideOutputs out) throws IOException {
            out.file(g.parquet(), p -> CoordinateFiles.writeGridParquet(p, slide.slideId(), g.coords(), g.gp(), g.patchSizeLevel0()));
            out.file(g.h5(), p -> CoordinateFiles.writeGridH5(p, slide.slideId(), g.coords(), g.gp(), g.level().width(),
                g.level().height(), g.ds()[0], g.ds()[1]));
            results.saveGridSummary(new GridSummaryRow(slide.slideId(), slide.fingerprint(), g.gp().patchSize(), g.gp().stepSize(),
                g.gp().patchLevel(), g.gp().contourFn(), g.gp().usePadding(), g.coords().size(), g.parquet().toString(),
                g.h5().toString(), Instant.now()), new StageResultStore.Run(out.jobExecutionId(), out.stepExecutionId()));
        }
    }
}
