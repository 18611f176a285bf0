package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.pretrain.Phase2Run;
import org.slidebatch.pretrain.PretrainStepConfiguration;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.OutputFileStore;
import org.slidebatch.store.TrainingStore;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.synth.SyntheticCohort;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@code openslidefm} chain with {@code phases=both} on a tiny generated cohort: phase 1 (the demo config), then one
 * epoch of phase 2 (4 tiles of 32 px per slide, random ConvNeXt weights) in the pretrain step; diagnostics' G4 finds the
 * phase-2 backbone and says TRAINED; embed uses the phase-2 student.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
@org.springframework.test.annotation.DirtiesContext   // closes the database before the temporary folder is removed
class Phase2ChainFunctionalTests {

    @TempDir
    static Path tmp;
    static Path cohort;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("openslidefmJob")
    Job chain;

    @Autowired
    TrainingStore training;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = tmp.resolve("cohort");
        SyntheticCohort.write(cohort, new SyntheticCohort.Options(4, 71, 512, 768, 2, null, true), null);
    }

    @Test
    void phaseTwoTrainsTheBackboneAndEmbedUsesItsStudent() throws Exception {
        List<String> kv = new ArrayList<>(List.of(PretrainJobFunctionalTests.demo()));
        kv.addAll(List.of("roots", cohort.toString(), "qc_policy", "none", "assume_mpp", "0.5", "random_weights", "true",
            "selftest", "off", "batch", "8", "dpi", "72", "phases", "both", "epochs_phase2", "1", "p2_tile_size", "32",
            "p2_tiles_per_slide", "4"));
        JobExecution e = JobLaunches.start(jobOperator, chain, kv.toArray(String[]::new));
        assertThat(e.getStatus()).as(e.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(ChainJobFunctionalTests.steps(e)).containsSubsequence("pretrain", "diagnostics", "embed");

        var ctx = ChainJobFunctionalTests.step(e, "pretrain").getExecutionContext();
        Path backbone = Path.of(ctx.getString(PretrainStepConfiguration.CONTEXT_BACKBONE));
        Path student = Path.of(ctx.getString(PretrainStepConfiguration.CONTEXT_STUDENT));
        assertThat(backbone.getFileName().toString()).isEqualTo(Phase2Run.BACKBONE_FILE);
        assertThat(student.getFileName().toString()).isEqualTo(Phase2Run.STUDENT_FILE);
        assertThat(backbone).isRegularFile();
        assertThat(ctx.getLong("pretrain.phase2_steps")).isEqualTo(4);   // 4 slides × 1 epoch

        // training_log: phase 1's steps, then phase 2's four (log_every_steps=1), under the run's tag
        List<TrainingStore.LogRow> log = training.findLog(ctx.getString(PretrainStepConfiguration.CONTEXT_RUN));
        assertThat(log.stream().filter(r -> r.phase() == 2).map(TrainingStore.LogRow::step).sorted().toList())
            .containsExactly(1L, 2L, 3L, 4L);
        assertThat(log.stream().filter(r -> r.phase() == 2)).allSatisfy(r -> assertThat(r.loss()).isFinite());
        assertThat(Files.readAllLines(backbone.resolveSibling("train_log.csv"))).hasSize(1 + 4);

        String diagnostics = Files.readString(tmp.resolve("ws/diagnostics/posttrain_diagnostics.json"));
        assertThat(diagnostics).contains("\"verdict\" : \"TRAINED\"", backbone.getFileName().toString());

        // embed used phase 2's student: every embedding names its SHA-256
        String sha = OutputFileStore.sha256(student);
        assertThat(training.findEmbeddings("demo")).hasSize(4)
            .allSatisfy(r -> assertThat(r.checkpointSha256()).isEqualTo(sha));
    }
}
