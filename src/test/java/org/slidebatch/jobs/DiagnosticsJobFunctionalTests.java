package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.Npy;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.WeightsLoader;
import org.slidebatch.store.DiagnosticsStore;
import org.slidebatch.support.JobLaunches;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The diagnostics job on a hand-made workspace: feature files of two slides, a student file and a trained backbone
 * file under pretrain/, and training-log rows in the database.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
class DiagnosticsJobFunctionalTests {

    @TempDir
    static Path tmp;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("diagnosticsJob")
    Job diagnosticsJob;

    @Autowired
    DiagnosticsStore store;

    @Autowired
    DataSource dataSource;

    static Path ws() {
        return tmp.resolve("ws");
    }

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> ws().toString());
    }

    @BeforeAll
    static void files() throws Exception {
        for (String scale : new String[] {"0.5", "2.0"}) {
            for (String s : new String[] {"s1", "s2"}) {
                Npy.writeFloat32(Files.createDirectories(ws().resolve("features").resolve(scale)).resolve(s + ".npy"),
                    new float[768], 1, 768);
            }
        }
        var reference = WeightsLoader.random(3, FeatureHead.TORCHVISION_GAP).tensors();
        SafeTensors.write(tmp.resolve("reference.safetensors"), reference, "F32", Map.of());
        Map<String, SafeTensors.Tensor> trained = new java.util.LinkedHashMap<>(reference);
        trained.replaceAll((k, t) -> {
            float[] d = t.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] * 1.02f + 0.01f;
            }
            return new SafeTensors.Tensor(t.shape(), d);
        });
        Path pretrain = Files.createDirectories(ws().resolve("pretrain"));
        SafeTensors.write(pretrain.resolve("student_p2_e1.safetensors"),
            Map.of("ln.weight", new SafeTensors.Tensor(new long[] {2}, new float[] {1, 1})), "F32", Map.of());
        SafeTensors.write(pretrain.resolve("backbone_p2_e1.safetensors"), trained, "F32", Map.of());
    }

    JobExecution run(String... kv) throws Exception {
        return JobLaunches.start(jobOperator, diagnosticsJob, kv);
    }

    @Test
    void gatesOnTheTrainingLogAndTheWorkspaceInJsonDatabaseAndExitStatus() throws Exception {
        String ref = tmp.resolve("reference.safetensors").toString();
        JobExecution first = run("reference_weights", ref, "coverage_pass", "2", "coverage_warn", "1");
        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long stepId = first.getStepExecutions().stream().filter(s -> s.getStepName().equals("diagnostics"))
            .findFirst().orElseThrow().getId();
        assertThat(store.findGates(stepId)).extracting(DiagnosticsStore.GateRow::status)
            .containsExactly("PASS", "WARN", "PASS", "PASS"); // G1, G2 (no log yet), G3, G4

        // A training log (as the pretrain step records it, V20's columns) attached to that step execution: loss 3.0
        // falling to 0.6. The table is the pretrain step's; created here only where that migration is not present.
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("""
                CREATE TABLE IF NOT EXISTS training_log (step_execution_id BIGINT NOT NULL, run_tag VARCHAR(200) NOT NULL, phase INTEGER NOT NULL,
                  epoch INTEGER NOT NULL, step BIGINT NOT NULL, lr DOUBLE PRECISION, loss DOUBLE PRECISION,
                  loss_byol DOUBLE PRECISION, loss_mfr DOUBLE PRECISION, tokens_per_s DOUBLE PRECISION,
                  seconds DOUBLE PRECISION, recorded_at TIMESTAMP NOT NULL)""").update();
        for (int i = 0; i < 30; i++) {
            jdbc.sql("INSERT INTO training_log (step_execution_id, run_tag, phase, epoch, step, lr, loss, recorded_at) VALUES (?,?,?,?,?,?,?,?)")
                .params(stepId, "run", i < 20 ? 1 : 2, 1, (i + 1) * 10L, 1e-4, 3.0 - i * 0.08,
                    Timestamp.from(Instant.parse("2026-11-29T10:00:00Z").plusSeconds(i))).update();
        }
        JobExecution second = run("reference_weights", ref, "coverage_pass", "2", "coverage_warn", "1", "fail_on", "warn");
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JsonNode json = JsonMapper.builder().build().readTree(ws().resolve("diagnostics/posttrain_diagnostics.json").toFile());
        assertThat(json.get("log_rows").asInt()).isEqualTo(30);
        assertThat(json.get("steps_logged").asInt()).isEqualTo(300);
        // k = max(3, 30 // 10) = 3: medians 2.92 and 0.76
        assertThat(json.get("loss_start_median").asDouble()).isCloseTo(2.92, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(json.get("loss_end_median").asDouble()).isCloseTo(0.76, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(json.get("features_2scale_intersection").asInt()).isEqualTo(2);
        assertThat(json.get("checkpoint_count").asInt()).isEqualTo(2);
        assertThat(json.get("backbone_check").get("verdict").asString()).isEqualTo("TRAINED");
        assertThat(json.get("backbone_check").get("n_params_compared").asInt())
            .isEqualTo(org.slidebatch.model.ConvNextTiny.expectedShapes(FeatureHead.TORCHVISION_GAP).size());
        assertThat(json.get("gates").findValuesAsString("status")).containsExactly("PASS", "PASS", "PASS", "PASS");

        // OpenSlideFM's coverage thresholds fail two slides; fail_on=fail stops the job and says why
        JobExecution stopped = run("reference_weights", ref, "fail_on", "fail");
        assertThat(stopped.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(stopped.getStepExecutions()).anySatisfy(s -> assertThat(s.getExitStatus().getExitDescription())
            .contains("post-training diagnostics stop the job (fail_on=fail): [FAIL] G1_2scale_coverage: 2 slides"));
        // the default (never) reports the same FAIL and goes on
        assertThat(run("reference_weights", ref).getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    @Test
    void malformedParametersAreRefusedBeforeTheJobStarts() {
        assertThatThrownBy(() -> run("fail_on", "maybe")).isInstanceOf(InvalidJobParametersException.class)
            .hasMessageContaining("fail_on must be never, fail or warn");
        assertThatThrownBy(() -> run("coverage_pass", "10", "coverage_warn", "20")).isInstanceOf(InvalidJobParametersException.class)
            .hasMessageContaining("coverage_warn ≤ coverage_pass");
        assertThatThrownBy(() -> run("reference_weights", tmp.resolve("nope.safetensors").toString()))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("nope.safetensors does not exist");
    }
}
