package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.QcRow;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.store.StageResultStore;
import org.slidebatch.store.TissueRow;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.support.TestCohorts;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The qc and segment jobs end to end on generated slides and the real test slides. */
/** The tile and grid jobs end to end on generated slides (own workspace: these jobs segment every slide). */
@SpringBootTest(classes = SlidebatchApplication.class)
class CoordinateJobsFunctionalTests {

    @TempDir
    static Path tmp;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    SlideStore slides;

    @Autowired
    StageResultStore results;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void openslide() {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
    }

    JobExecution run(Job job, String... kv) throws Exception {
        return JobLaunches.start(jobOperator, job, kv);
    }

    @Autowired
    @Qualifier("tileJob")
    Job tileJob;

    @Autowired
    @Qualifier("gridJob")
    Job gridJob;

    @Autowired
    @Qualifier("gpfmJob")
    Job gpfmJob;

    @Test
    void theGpfmChainSegmentsAndPatchesWithTheRecipeFromJobsConfig() throws Exception {
        Path dir = tmp.resolve("gpfm-cohort");
        TestCohorts.small(dir, 3, 79);
        java.util.Properties recipe = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(Path.of("jobs-config/gpfm.properties"))) {
            recipe.load(in);
        }
        assertThat(recipe.getProperty("patch_size")).isEqualTo("512");
        assertThat(recipe.getProperty("preset")).isEqualTo("gpfm-tcga");
        JobExecution e = run(gpfmJob, "roots", dir.toString(), "preset", recipe.getProperty("preset"),
            "patch_size", recipe.getProperty("patch_size"), "step_size", recipe.getProperty("step_size"),
            "patch_level", recipe.getProperty("patch_level"), "a_t", "0");
        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(e.getStepExecutions()).extracting(s -> s.getStepName())
            .contains("manifest.scan", "manifest.record", "manifest.export", "segment", "grid");
        assertThat(results.findGridSummaries()).anySatisfy(g -> {
            assertThat(g.patchSize()).isEqualTo(512);
            assertThat(g.stepSize()).isEqualTo(512);
            assertThat(g.patchLevel()).isZero();
            assertThat(g.contourFn()).isEqualTo("four_pt");
        });
    }

    @Test
    void tokensAndGridCoordinatesOnGeneratedSlides() throws Exception {
        Path dir = tmp.resolve("coords-cohort");
        TestCohorts.small(dir, 5, 77); // slide 4 of every 5 has no µm/px
        JobExecution tile = run(tileJob, "roots", dir.toString(), "qc_policy", "none");
        assertThat(tile.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Path ws = tmp.resolve("ws");
        SlideStepStatus noMpp = slides.findStepStatus("syn-00004", "tile").orElseThrow();
        assertThat(noMpp.status()).isEqualTo(SlideStepStatus.SKIPPED);
        assertThat(noMpp.reason()).startsWith("mpp_missing");
        var summaries = results.findTileSummaries();
        assertThat(summaries).extracting(s -> s.scaleUmPerPx()).contains(0.5, 2.0);
        assertThat(summaries).allMatch(s -> s.tiles() <= (s.scaleUmPerPx() == 0.5 ? 1200 : 400) && s.tiles() <= s.candidates());
        var withTiles = summaries.stream().filter(s -> s.tiles() > 0).findFirst().orElseThrow();
        assertThat(Path.of(withTiles.path())).isNotEmptyFile()
            .startsWith(ws.resolve("tiles").resolve(Double.toString(withTiles.scaleUmPerPx())));
        assertThat(ws.resolve("tiles/tiling_summary.parquet")).isNotEmptyFile();
        assertThat(ws.resolve("figures/tiling_tokens_dist_scale0p5.png")).isNotEmptyFile();

        // Without µm/px a slide is tiled only with an explicit assumption.
        JobExecution assumed = run(tileJob, "qc_policy", "none", "assume_mpp", "0.5");
        assertThat(assumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(slides.findStepStatus("syn-00004", "tile").orElseThrow().status()).isEqualTo(SlideStepStatus.DONE);

        JobExecution grid = run(gridJob, "preset", "gpfm-tcga", "a_t", "0", "patch_size", "64", "step_size", "64");
        assertThat(grid.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        var gridRows = results.findGridSummaries();
        assertThat(gridRows).isNotEmpty().anyMatch(g -> g.patches() > 0);
        var g = gridRows.stream().filter(r -> r.patches() > 0).findFirst().orElseThrow();
        try (io.jhdf.HdfFile h5 = new io.jhdf.HdfFile(Path.of(g.h5Path()))) {
            var coords = h5.getDatasetByPath("coords");
            assertThat(coords.getDimensions()).containsExactly(g.patches(), 2);
            assertThat(coords.getAttributes()).containsKeys("patch_size", "patch_level", "downsample", "level_dim",
                "patch_size_level0");
        }
        assertThat(Path.of(g.parquetPath())).isNotEmptyFile();
    }

}
