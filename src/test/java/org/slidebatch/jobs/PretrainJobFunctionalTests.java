package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.model.Npy;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.TrainingStore;
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

/** The pretrain job (phase 1 → embed → embed.export) on the features of generated slides, with the demo config. */
@SpringBootTest(classes = SlidebatchApplication.class)
@org.springframework.test.annotation.DirtiesContext   // closes the database before the temporary folder is removed
class PretrainJobFunctionalTests {

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
    @Qualifier("pretrainJob")
    Job pretrainJob;

    @Autowired
    TrainingStore training;

    @Autowired
    PassportStore passports;

    @Autowired
    org.slidebatch.store.OutputFileStore outputFiles;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), 4, 71);
    }

    static String[] demo(String... extra) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("jobs-config/pretrain-demo.properties"))) {
            p.load(r);
        }
        List<String> kv = new ArrayList<>();
        for (String k : p.stringPropertyNames()) {
            kv.add(k);
            kv.add(p.getProperty(k));
        }
        kv.addAll(List.of(extra));
        return kv.toArray(String[]::new);
    }

    @Test
    void pretrainsThenEmbedsEverySlideAndSkipsThemOnARerun() throws Exception {
        assertThat(JobLaunches.start(jobOperator, tileJob, "roots", cohort.toString(), "qc_policy", "none",
            "assume_mpp", "0.5").getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(JobLaunches.start(jobOperator, featuresJob, "random_weights", "true", "selftest", "off", "batch", "8")
            .getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JobExecution e = JobLaunches.start(jobOperator, pretrainJob, demo());
        assertThat(e.getStatus()).as(e.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);
        var pre = e.getStepExecutions().stream().filter(s -> s.getStepName().equals("pretrain")).findFirst().orElseThrow();
        String run = pre.getExecutionContext().getString("pretrain.run");
        Path student = Path.of(pre.getExecutionContext().getString("pretrain.student"));
        assertThat(student).isRegularFile();
        assertThat(Path.of(pre.getExecutionContext().getString("pretrain.checkpoint"))).isRegularFile();
        long steps = pre.getExecutionContext().getLong("pretrain.steps");
        assertThat(steps).isEqualTo(3 * 2);   // 4 slides → 2 batches of ≤ 3, 3 epochs
        assertThat(training.findLog(run)).extracting(TrainingStore.LogRow::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        Path dir = student.getParent();
        assertThat(Files.readAllLines(dir.resolve("train_log.csv"))).hasSize(1 + 6);
        assertThat(Files.readAllLines(dir.resolve("train_log.jsonl"))).hasSize(6);
        var notes = passports.findByJobExecution(e.getId()).stream().filter(p -> p.stepName().equals("pretrain"))
            .findFirst().orElseThrow().notes();
        assertThat(notes).contains("6 steps").contains("tokens/s").contains("final loss");

        List<TrainingStore.EmbeddingRow> rows = training.findEmbeddings("demo");
        assertThat(rows).hasSize(4);
        for (TrainingStore.EmbeddingRow r : rows) {
            assertThat(Npy.readHeader(Path.of(r.path())).shape()).containsExactly(768);
            float[] v = Npy.read(Path.of(r.path()));
            double n = 0;
            for (float x : v) {
                n += (double) x * x;
            }
            assertThat(Math.sqrt(n)).isCloseTo(r.norm(), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(r.checkpointSha256()).isEqualTo(org.slidebatch.model.WeightsLoader.sha256(student));
            assertThat(r.tokens05()).isPositive();
            assertThat(r.stepExecutionId()).isNotNull();
            // the file names the step execution that wrote it, with its bytes' hash (the row names the same one)
            var registered = outputFiles.findByPath(Path.of(r.path()));
            assertThat(registered).hasSize(1);
            assertThat(registered.getFirst().stepExecutionId()).isEqualTo(r.stepExecutionId());
            assertThat(registered.getFirst().stepName()).isEqualTo("embed");
            assertThat(registered.getFirst().sha256()).isEqualTo(org.slidebatch.store.OutputFileStore.sha256(Path.of(r.path())));
        }
        Path parquet = tmp.resolve("ws/embeddings/demo/slide_embeddings.parquet");
        assertThat(parquet).isRegularFile();
        byte[] firstEmbedding = Files.readAllBytes(Path.of(rows.get(0).path()));

        // same data and parameters (a new run.id): training resumes at its end (nothing to do), every slide is already embedded
        JobExecution again = JobLaunches.start(jobOperator, pretrainJob, demo());
        assertThat(again.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(Files.readAllBytes(Path.of(rows.get(0).path()))).isEqualTo(firstEmbedding);
        assertThat(training.findEmbeddings("demo")).extracting(TrainingStore.EmbeddingRow::recordedAt)
            .isEqualTo(rows.stream().map(TrainingStore.EmbeddingRow::recordedAt).toList());

        // aggregator_weights=FILE: no training, the given student embeds every slide (same file → same bytes)
        JobExecution given = JobLaunches.start(jobOperator, pretrainJob, demo("embed_tag", "given",
            "aggregator_weights", student.toString()));
        assertThat(given.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        List<TrainingStore.EmbeddingRow> givenRows = training.findEmbeddings("given");
        assertThat(givenRows).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(Files.readAllBytes(Path.of(givenRows.get(i).path()))).isEqualTo(Files.readAllBytes(Path.of(rows.get(i).path())));
        }
    }

    @Test
    void badParametersAreRefusedBeforeTheJobStarts() {
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, pretrainJob, "lr", "fast"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("lr must be a number");
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, pretrainJob, "aggregator_weights", tmp.resolve("none.safetensors").toString()))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("none.safetensors");
    }
}
