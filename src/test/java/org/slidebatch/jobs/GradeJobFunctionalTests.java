package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.evaluate.CsvTable;
import org.slidebatch.grade.GradeOutputs;
import org.slidebatch.grade.GradeStepConfiguration;
import org.slidebatch.model.Npy;
import org.slidebatch.store.GradeStore;
import org.slidebatch.store.OutputFileStore;
import org.slidebatch.store.PassportStore;
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
 * Job {@code grade} with the demo config on the labels of a generated evaluation cohort ({@code synth --evaluation}:
 * grade, center, patient_id) and two-scale features written straight into the workspace (16-d tokens that carry the
 * grade, as the feature step would lay them out; no pixels, so it stays CPU-cheap): the four NB11/NB12 files, one
 * {@code grade_epoch} row per epoch, and a rerun that keeps every finished fold.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
@org.springframework.test.annotation.DirtiesContext   // closes the database before the temporary folder is removed
class GradeJobFunctionalTests {

    static final int SLIDES = 30;
    static final int DIM = 16;

    @TempDir
    static Path tmp;
    static Path labels;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("gradeJob")
    Job gradeJob;

    @Autowired
    GradeStore store;

    @Autowired
    OutputFileStore outputs;

    @Autowired
    PassportStore passports;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cohort"));
        labels = dir.resolve("labels.csv");
        Files.writeString(labels, SyntheticCohort.labelsCsv(new SyntheticCohort.Options(SLIDES, 5, 256, 256, 1, null, true)));
        writeFeatures(labels, tmp.resolve("ws/features"), 3);
    }

    /** Per labelled slide 3–12 tokens at 0.5 µm/px and 1–4 at 2.0 µm/px whose two halves move ± grade/2. */
    static void writeFeatures(Path labels, Path features, long seed) throws Exception {
        CsvTable t = CsvTable.read(labels);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            int grade = Integer.parseInt(t.get(i, "grade"));
            for (String scale : List.of("0.5", "2.0")) {
                int n = scale.equals("0.5") ? 3 + r.nextInt(10) : 1 + r.nextInt(4);
                float[] x = new float[n * DIM];
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) (r.nextDouble() * 2 - 1 + (j % DIM < DIM / 2 ? 0.5 : -0.5) * grade);
                }
                Path f = Files.createDirectories(features.resolve(scale)).resolve(t.get(i, "slide_id") + ".npy");
                Npy.writeFloat32(f, x, n, DIM);
            }
        }
    }

    static String[] demo(String... extra) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("jobs-config/grade-demo.properties"))) {
            p.load(r);
        }
        List<String> kv = new ArrayList<>(List.of("labels", labels.toString()));
        for (String k : p.stringPropertyNames()) {
            kv.add(k);
            kv.add(p.getProperty(k));
        }
        kv.addAll(List.of(extra));
        return kv.toArray(String[]::new);
    }

    static StepExecution gradeStep(JobExecution e) {
        return e.getStepExecutions().stream().filter(s -> s.getStepName().equals("grade")).findFirst().orElseThrow();
    }

    @Test
    void trainsEveryFoldWritesTheMetricsAndKeepsFinishedFoldsOnARerun() throws Exception {
        JobExecution e = JobLaunches.start(jobOperator, gradeJob, demo());
        assertThat(e.getStatus()).as(e.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);
        StepExecution se = gradeStep(e);
        // 2 folds × 1 seed × 3 epochs (patience 3 cannot stop a 3-epoch fold early)
        assertThat(se.getExecutionContext().getLong(GradeStepConfiguration.CONTEXT_EPOCHS_RUN)).isEqualTo(6);
        assertThat(se.getExecutionContext().getLong(GradeStepConfiguration.CONTEXT_FOLDS_SKIPPED)).isZero();
        String run = se.getExecutionContext().getString(GradeStepConfiguration.CONTEXT_RUN);
        List<GradeStore.EpochRow> rows = store.findByStepExecution(se.getId());
        assertThat(rows).extracting(r -> r.seed() + "/" + r.fold() + "/" + r.epoch())
            .containsExactly("42/0/1", "42/0/2", "42/0/3", "42/1/1", "42/1/2", "42/1/3");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.runTag()).isEqualTo(run);
            assertThat(r.trainLoss()).isPositive().isFinite();
            assertThat(r.valQwk()).isBetween(-1.0, 1.0);
            assertThat(r.valAccuracy()).isBetween(0.0, 1.0);
        });
        assertThat(rows.get(0).lr()).isCloseTo(1e-4, org.assertj.core.data.Offset.offset(1e-9));   // warm-up: 0.1 × lr
        assertThat(rows.get(1).lr()).isCloseTo(1e-3, org.assertj.core.data.Offset.offset(1e-9));

        Path ws = tmp.resolve("ws/grade");
        List<String> oof = Files.readAllLines(ws.resolve("oof_ensemble.csv"));
        assertThat(oof.getFirst())
            .isEqualTo("slide_id,true_isup,pred_isup,prob_0,prob_1,prob_2,prob_3,prob_4,prob_5,provider,step_execution_id");
        assertThat(oof).hasSize(SLIDES + 1);
        assertThat(oof.subList(1, oof.size())).allSatisfy(l -> assertThat(l).endsWith("," + se.getId()));
        // the run folder keeps NB11's columns; the published file adds the step execution
        List<String> runOof = Files.readAllLines(ws.resolve(run).resolve("oof_ensemble.csv"));
        assertThat(runOof.getFirst()).isEqualTo("slide_id,true_isup,pred_isup,prob_0,prob_1,prob_2,prob_3,prob_4,prob_5,provider");
        for (int i = 0; i < oof.size(); i++) {
            assertThat(oof.get(i)).startsWith(runOof.get(i) + ",");
        }
        CsvTable labelsTable = CsvTable.read(labels);
        TreeSet<String> centers = new TreeSet<>();
        for (int i = 0; i < labelsTable.size(); i++) {
            centers.add(labelsTable.get(i, "center"));
        }
        List<String> byProvider = Files.readAllLines(ws.resolve("metrics_auc_by_provider.csv"));
        assertThat(byProvider.getFirst()).isEqualTo("provider,macro_auroc_ovr,n,AUROC_>=1,AUPRC_>=1,AUROC_>=2,AUPRC_>=2,"
            + "AUROC_>=3,AUPRC_>=3,AUROC_>=4,AUPRC_>=4,AUROC_>=5,AUPRC_>=5,step_execution_id");
        assertThat(byProvider.subList(1, byProvider.size())).extracting(l -> l.split(",")[0]).containsExactlyElementsOf(centers);
        assertThat(Files.readString(ws.resolve("metrics_auc.json"))).contains("\"macro_auroc_ovr\"", "\">=1\"", "\">=5\"",
            "\"auroc\"", "\"auprc\"", "\"step_execution_id\" : " + se.getId());
        assertThat(Files.readString(ws.resolve("summary.json"))).contains("\"oof_kappa\"", "\"oof_kappa_ci_low\"",
            "\"oof_kappa_ci_high\"", "\"oof_accuracy\"", "\"selection\" : \"inner_validation\"", "\"slides\" : " + SLIDES,
            "\"replicates\" : 200", "\"step_execution_id\" : " + se.getId());
        assertThat(outputs.findByJobExecution(e.getId())).extracting(f -> Path.of(f.path()).getFileName().toString())
            .containsExactlyInAnyOrderElementsOf(GradeOutputs.FILES);
        assertThat(outputs.findByJobExecution(e.getId())).allSatisfy(f -> assertThat(f.stepExecutionId()).isEqualTo(se.getId()));
        String notes = passports.findByJobExecution(e.getId()).stream().filter(p -> p.stepName().equals("grade"))
            .findFirst().orElseThrow().notes();
        assertThat(notes).contains("OOF QWK", "95% CI", "patient bootstrap", "2 trained here in 6 epochs, 0 kept");
        byte[] firstOof = Files.readAllBytes(ws.resolve(run).resolve("oof_ensemble.csv"));

        // a new job instance on the same cohort and parameters: every fold is found finished, nothing is retrained
        JobExecution again = JobLaunches.start(jobOperator, gradeJob, demo());
        assertThat(again.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        StepExecution se2 = gradeStep(again);
        assertThat(se2.getExecutionContext().getString(GradeStepConfiguration.CONTEXT_RUN)).isEqualTo(run);
        assertThat(se2.getExecutionContext().getLong(GradeStepConfiguration.CONTEXT_EPOCHS_RUN)).isZero();
        assertThat(se2.getExecutionContext().getLong(GradeStepConfiguration.CONTEXT_FOLDS_SKIPPED)).isEqualTo(2);
        assertThat(store.findByStepExecution(se2.getId())).isEmpty();
        assertThat(store.find(run)).hasSize(6);
        assertThat(Files.readAllBytes(ws.resolve(run).resolve("oof_ensemble.csv"))).isEqualTo(firstOof);
        assertThat(Files.readAllLines(ws.resolve("oof_ensemble.csv")).get(1)).endsWith("," + se2.getId());
    }

    @Test
    void badParametersAreRefusedBeforeTheJobStarts() throws Exception {
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, gradeJob, demo("epochs", "many")))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("epochs must be an integer");
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, gradeJob, demo("epoch", "3")))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("unknown parameter 'epoch' (did you mean 'epochs'?)");
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, gradeJob, "epochs", "3"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("grade needs labels=FILE");
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, gradeJob, demo("labels", tmp.resolve("none.csv").toString())))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("none.csv does not exist");
        assertThatThrownBy(() -> JobLaunches.start(jobOperator, gradeJob, demo("warmup_epochs", "3")))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("warmup_epochs must be less than epochs");
    }
}
