package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.model.Npy;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.StageResultStore;
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

/** The features job on generated slides with an explicitly random model (no weights are downloaded or shipped). */
@SpringBootTest(classes = SlidebatchApplication.class)
class FeatureJobFunctionalTests {

    @TempDir
    static Path tmp;
    static Path cohort;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("tileJob")
    Job tileJob;

    @Autowired
    @Qualifier("featuresJob")
    Job featuresJob;

    @Autowired
    StageResultStore results;

    @Autowired
    PassportStore passports;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), 3, 61);
    }

    JobExecution run(Job job, String... kv) throws Exception {
        return JobLaunches.start(jobOperator, job, kv);
    }

    @Test
    void featuresForEveryTokenTileWithTheSelfTestInThePassport() throws Exception {
        assertThat(run(tileJob, "roots", cohort.toString(), "qc_policy", "none").getStatus()).isEqualTo(BatchStatus.COMPLETED);
        // The gate itself is tested below; here a floor any loaded 2-core machine clears keeps this about the features.
        JobExecution e = run(featuresJob, "random_weights", "true", "selftest_seconds", "1", "batch", "8",
            "min_tiles_per_s", "0.05");
        assertThat(e.getStatus()).as(e.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);
        var files = results.findFeatureFiles();
        assertThat(files).isNotEmpty();
        var tiles = results.findTileSummaries();
        for (var f : files) {
            var summary = tiles.stream().filter(t -> t.slideId().equals(f.slideId()) && t.scaleUmPerPx() == f.scaleUmPerPx())
                .findFirst().orElseThrow();
            assertThat(f.tiles()).isEqualTo(summary.tiles());
            Npy.Header h = Npy.readHeader(Path.of(f.featuresPath()));
            assertThat(h.shape()).containsExactly(summary.tiles(), 768);
            float[] features = Npy.read(Path.of(f.featuresPath()));
            assertThat(features).hasSize(summary.tiles() * 768);
            float[] coords = Npy.read(Path.of(f.coordsPath()));
            assertThat(coords).hasSize(summary.tiles() * 4);
            assertThat(f.weights()).contains("RANDOM");
        }
        var selftest = passports.findByJobExecution(e.getId()).stream()
            .filter(p -> p.stepName().equals("features.selftest")).findFirst().orElseThrow();
        assertThat(selftest.notes()).contains("throughput self-test").contains("tiles/s").contains("RANDOM");
    }

    @Test
    void theThroughputGateFailsTheJobBelowTheFloorAndWarnsWhenAsked() throws Exception {
        JobExecution failed = run(featuresJob, "random_weights", "true", "selftest_seconds", "0.5", "batch", "2",
            "min_tiles_per_s", "100000");
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(failed.getStepExecutions()).anySatisfy(s -> {
            assertThat(s.getStepName()).isEqualTo("features.selftest");
            assertThat(s.getExitStatus().getExitDescription()).contains("throughput self-test failed")
                .contains("min_tiles_per_s=100000");
        });
        JobExecution warned = run(featuresJob, "random_weights", "true", "selftest_seconds", "0.5", "batch", "2",
            "min_tiles_per_s", "100000", "selftest", "warn");
        assertThat(warned.getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    @Test
    void weightsAreRequiredUnlessRandomIsAskedFor() {
        assertThatThrownBy(() -> run(featuresJob, "batch", "8")).isInstanceOf(InvalidJobParametersException.class)
            .hasMessageContaining("weights=FILE");
        assertThatThrownBy(() -> run(featuresJob, "weights", tmp.resolve("missing.safetensors").toString()))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("missing.safetensors");
    }
}
