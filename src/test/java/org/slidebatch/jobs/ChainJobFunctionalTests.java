package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.report.ReportBuilder;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.ReportStore;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.synth.SyntheticCohort;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole {@code openslidefm} chain on a tiny generated evaluation cohort (synth --evaluation's labels.csv):
 * manifest → qc → tiles → features (random ConvNeXt) → pretrain (the demo config) → embed → evaluate (binary-cv, 2
 * folds) → report; without {@code labels} the evaluation is skipped and the report still runs.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
@org.springframework.test.annotation.DirtiesContext   // closes the database before the temporary folder is removed
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChainJobFunctionalTests {

    @TempDir
    static Path tmp;
    static Path cohort;
    static Path labels;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("openslidefmJob")
    Job chain;

    @Autowired
    ReportStore reports;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = tmp.resolve("cohort");
        SyntheticCohort.write(cohort, new SyntheticCohort.Options(8, 71, 512, 768, 2, null, true), null);
        labels = cohort.resolve("labels.csv");
    }

    /** The chain's parameters: every slide kept (qc_policy=none) so each has an embedding, CPU-sized stages. */
    String[] params(String... extra) throws Exception {
        List<String> kv = new ArrayList<>(List.of(PretrainJobFunctionalTests.demo()));
        kv.addAll(List.of("roots", cohort.toString(), "qc_policy", "none", "assume_mpp", "0.5",
            "random_weights", "true", "selftest", "off", "batch", "8", "dpi", "72"));
        kv.addAll(List.of(extra));
        return kv.toArray(String[]::new);
    }

    static List<String> steps(JobExecution e) {
        // the chain's own steps, in order (not the per-slide partitions)
        return e.getStepExecutions().stream().sorted(java.util.Comparator.comparing(StepExecution::getId))
            .map(StepExecution::getStepName).filter(n -> !n.contains(":")).toList();
    }

    static StepExecution step(JobExecution e, String name) {
        return e.getStepExecutions().stream().filter(s -> s.getStepName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void withLabelsTheChainEvaluatesItsOwnEmbeddingsAndReportsThem() throws Exception {
        JobExecution e = JobLaunches.start(jobOperator, chain, params("labels", labels.toString(), "protocol", "binary-cv",
            "folds", "2", "boots", "50"));
        assertThat(e.getStatus()).as(e.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(steps(e)).endsWith("pretrain", "diagnostics", "embed", "embed.export", "evaluate.split", "evaluate.folds",
            "evaluate.report", "report");
        Path ws = tmp.resolve("ws");
        // evaluate read the chain's own embeddings/<embed_tag>/ (demo), all 8 slides
        assertThat(e.getExecutionContext().getString("evaluate.embeddings")).isEqualTo(ws.resolve("embeddings/demo").toString());
        Path binary = ws.resolve("evaluation/binary-cv");
        assertThat(Files.readString(binary.resolve("results.json"))).contains("\"n_slides\" : 8", "\"auroc\"");
        List<String> oof = Files.readAllLines(binary.resolve("oof.csv"));
        assertThat(oof.getFirst()).isEqualTo("slide_id,y_true,y_pred,p_tumor,seed,fold,step_execution_id");
        assertThat(oof).hasSize(1 + 8);

        long reportStep = step(e, "report").getId();
        Path index = ReportBuilder.folder(ws, e.getId()).resolve("index.html");
        assertThat(index).isRegularFile();
        String html = Files.readString(index);
        assertThat(html).contains("Binary results (results.json)");
        var items = reports.items(reportStep);
        assertThat(items.stream().filter(i -> i.itemId().equals("fig4A_binary_roc") || i.itemId().equals("binary_results")))
            .hasSize(2).allSatisfy(i -> assertThat(i.available()).as(i.itemId() + ": " + i.reason()).isTrue());
        // the report found the one embedding tag the chain wrote
        assertThat(items.stream().filter(i -> i.itemId().startsWith("embedding")).toList())
            .allSatisfy(i -> assertThat(i.available()).as(i.itemId() + ": " + i.reason()).isTrue());
    }

    @Test
    @Order(2)
    void withoutLabelsEvaluationIsSkippedAndTheReportStillRuns() throws Exception {
        JobExecution e = JobLaunches.start(jobOperator, chain, params());
        assertThat(e.getStatus()).as(e.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(steps(e)).doesNotContain("evaluate.split", "evaluate.folds", "evaluate.report").endsWith("embed.export", "report");
        assertThat(ReportBuilder.folder(tmp.resolve("ws"), e.getId()).resolve("index.html")).isRegularFile();
    }

    @Test
    @Order(3)
    void aLabelRowWithoutAnEmbeddingIsLeftOutOrWithStrictLabelsFailsEvaluateSplitNamingTheFileAndRow() throws Exception {
        Path bad = tmp.resolve("bad-labels.csv");
        List<String> rows = new ArrayList<>(Files.readAllLines(labels));
        rows.add(rows.get(1).replaceFirst("^[^,]+", "no-such-slide"));
        Files.write(bad, rows);
        JobExecution lenient = JobLaunches.start(jobOperator, chain, params("labels", bad.toString(), "protocol", "binary-cv",
            "folds", "2", "boots", "50"));
        assertThat(lenient.getStatus()).as(lenient.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(Files.readAllLines(tmp.resolve("ws/evaluation/binary-cv/excluded.csv")).get(1))
            .startsWith(rows.size() + ",no-such-slide,no embedding for slide no-such-slide under embeddings/")
            .endsWith(" (not a slide of this workspace's manifest)," + step(lenient, "evaluate.split").getId());

        JobExecution e = JobLaunches.start(jobOperator, chain, params("labels", bad.toString(), "protocol", "binary-cv",
            "folds", "2", "boots", "50", "strict_labels", "true"));
        assertThat(e.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(step(e, "evaluate.split").getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(e.getAllFailureExceptions().toString()).contains(bad.toString(), "unknown slide 'no-such-slide'");
        assertThat(steps(e)).doesNotContain("evaluate.folds", "report");

        // The labels fixed in place, the restart resumes at evaluate.split (on the chain's embeddings) and finishes.
        Files.copy(labels, bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        JobExecution again = jobOperator.restart(e);
        assertThat(again.getStatus()).as(again.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(steps(again)).containsExactly("evaluate.split", "evaluate.folds", "evaluate.report", "report");
    }

    @Test
    @Order(4)
    void evaluateAndReportValuesAreCheckedBeforeTheChainStarts() {
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, chain, "random_weights", "true", "protocol", "nope"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("protocol must be one of");
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, chain, "random_weights", "true", "labels", tmp.resolve("none.csv").toString()))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("none.csv does not exist");
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, chain, "random_weights", "true", "dpi", "5"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("dpi must be between");
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, chain, "random_weights", "true", "fold", "2"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("did you mean 'folds'");
    }
}
