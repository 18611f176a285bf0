package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.evaluate.EvaluationCohort;
import org.slidebatch.store.EvalStore;
import org.slidebatch.support.JobLaunches;
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

/**
 * Job {@code evaluate} on a generated evaluation cohort (labels from {@code synth}'s evaluation cohort, slide
 * vectors from the documented SyntheticEmbeddings generator): the pipeline finds the signal that is there and
 * none where labels were shuffled; each protocol writes its files; bad inputs are refused before the job starts.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
class EvaluateJobFunctionalTests {

    @TempDir
    static Path tmp;
    static Path labels;
    static Path emb;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("evaluateJob")
    Job evaluateJob;

    @Autowired
    EvalStore store;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        labels = EvaluationCohort.write(tmp.resolve("cohort"), 150, 11, 0.1);
        emb = tmp.resolve("cohort/emb");
    }

    JobExecution run(String... kv) throws Exception {
        return JobLaunches.start(jobOperator, evaluateJob, kv);
    }

    EvalStore.MetricRow metric(JobExecution e, String protocol, String scope, String name) {
        return store.metrics(e.getJobInstance().getInstanceId(), protocol).stream()
            .filter(m -> m.scope().equals(scope) && m.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void probeFindsTheCancerTypeAndNothingWhenLabelsAreShuffled() throws Exception {
        JobExecution real = run("labels", labels.toString(), "embeddings", emb.toString(), "protocol", "probe");
        assertThat(real.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        EvalStore.MetricRow auc = metric(real, "probe", "folds", "macro_auc_ovr");
        assertThat(auc.ciLow()).as("AUROC CI " + auc.ciLow() + ".." + auc.ciHigh()).isGreaterThan(0.5);
        assertThat(auc.ciUnit()).isEqualTo("patient");
        assertThat(auc.ciSeed()).isEqualTo(42L);
        // 3 seeds × 5 folds, each fitted once, each result naming the fold step execution.
        var results = store.foldResults(real.getJobInstance().getInstanceId(), "probe");
        assertThat(results).hasSize(15);
        assertThat(store.fitStarts(real.getJobInstance().getInstanceId(), "probe").values()).containsOnly(1).hasSize(15);
        long foldsStep = real.getStepExecutions().stream().filter(s -> s.getStepName().equals("evaluate.folds")).findFirst().orElseThrow().getId();
        assertThat(results).allSatisfy(r -> assertThat(r.stepExecutionId()).isEqualTo(foldsStep));

        Path probe = tmp.resolve("ws/evaluation/probe");
        assertThat(Files.readAllLines(probe.resolve("fold_results.csv")).getFirst())
            .startsWith("seed,fold,accuracy,balanced_accuracy,macro_f1,macro_auc").endsWith("step_execution_id");
        assertThat(Files.readAllLines(probe.resolve("fold_results.csv"))).hasSize(16);
        assertThat(Files.readAllLines(probe.resolve("per_class_metrics.csv")).getFirst())
            .isEqualTo(",precision,recall,f1-score,support,step_execution_id");
        assertThat(Files.readAllLines(probe.resolve("confusion_matrix.csv")).getFirst())
            .isEqualTo(",SYN-BRCA,SYN-COAD,SYN-KIRC,SYN-LUAD,step_execution_id");
        assertThat(Files.readString(probe.resolve("test_metrics.json"))).contains("\"n_evaluations\" : 15", "\"ci95\"");

        Path shuffled = EvaluationCohort.shuffled(labels, "cancer_code", 5);
        JobExecution noise = run("labels", shuffled.toString(), "embeddings", emb.toString(), "protocol", "probe");
        assertThat(noise.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        EvalStore.MetricRow none = metric(noise, "probe", "folds", "macro_auc_ovr");
        assertThat(none.ciLow()).as("shuffled AUROC CI " + none.ciLow() + ".." + none.ciHigh()).isLessThan(0.5);
        assertThat(none.ciHigh()).isGreaterThan(0.5);
        System.out.printf("probe macro AUROC %.4f CI [%.4f, %.4f]; shuffled labels %.4f CI [%.4f, %.4f]%n",
            auc.value(), auc.ciLow(), auc.ciHigh(), none.value(), none.ciLow(), none.ciHigh());
    }

    @Test
    void binaryCvWritesResultsAndOutOfFoldPredictions() throws Exception {
        JobExecution e = run("labels", labels.toString(), "embeddings", emb.toString(), "protocol", "binary-cv");
        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Path dir = tmp.resolve("ws/evaluation/binary-cv");
        assertThat(Files.readString(dir.resolve("results.json"))).contains("\"auroc\"", "\"auroc_ci95\"",
            "\"auroc_ci95_patient\"", "\"accuracy\"", "\"f1\"", "\"avg_precision\"", "\"n_slides\" : 150", "\"step_execution_id\"");
        List<String> oof = Files.readAllLines(dir.resolve("oof.csv"));
        assertThat(oof.getFirst()).isEqualTo("slide_id,y_true,y_pred,p_tumor,seed,fold,step_execution_id");
        assertThat(oof).hasSize(151);
        EvalStore.MetricRow auc = metric(e, "binary-cv", "pooled", "auroc");
        assertThat(auc.ciLow()).isGreaterThan(0.5);
        assertThat(auc.ciUnit()).isEqualTo("slide");
        assertThat(metric(e, "binary-cv", "pooled", "auroc_patient_ci").ciUnit()).isEqualTo("patient");
    }

    @Test
    void locoSelectsOnInnerFoldsUnlessTheOriginalsFlagIsSet() throws Exception {
        String[] base = {"labels", labels.toString(), "embeddings", emb.toString(), "protocol", "loco",
            "models", "ordinal,ridge", "Cs", "0.1,1.0"};
        JobExecution nested = run(base);
        assertThat(nested.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Path dir = tmp.resolve("ws/evaluation/loco");
        assertThat(Files.readAllLines(dir.resolve("ablations_summary.csv")).getFirst())
            .isEqualTo("model,C,kappa_qw_mean,folds,detail,step_execution_id");
        assertThat(Files.readAllLines(dir.resolve("ablations_summary.csv"))).hasSize(1 + 4);
        List<String> centers = Files.readAllLines(dir.resolve("per_center_kappa.csv"));
        assertThat(centers.getFirst()).isEqualTo("center,n_patients,kappa_qw,step_execution_id");
        assertThat(centers.subList(1, centers.size())).extracting(l -> l.split(",")[0])
            .containsExactly("CEN0", "CEN1", "CEN2", "CEN3", "CEN4", "CEN5");
        assertThat(Files.readAllLines(dir.resolve("best_patient_predictions.csv")).getFirst())
            .isEqualTo("patient,y_true,y_pred,step_execution_id");
        assertThat(Files.readAllLines(dir.resolve("transition_matrix_counts.csv")).getFirst()).startsWith(",0,1,2,3,4,5");
        assertThat(Files.exists(dir.resolve("transition_matrix_normalized.csv"))).isTrue();
        assertThat(Files.readString(dir.resolve("best_config.json"))).contains("inner-cv on training patients", "\"kappa_ci95\"");
        EvalStore.MetricRow qwk = metric(nested, "loco", "pooled", "overall_kappa_qw");
        assertThat(qwk.ciLow()).as("grade signal: QWK CI " + qwk.ciLow() + ".." + qwk.ciHigh()).isGreaterThan(0.0);
        assertThat(qwk.ciSeed()).isEqualTo(123L);

        assertThat(Files.readString(dir.resolve("best_config.json"))).contains("\"files_seed\" : 17", "\"per_seed\"");

        // Two seeds: the selection differs per seed, each seed's pooled κ is reported and stored (scope seed:<s>).
        JobExecution optimistic = run(append(base, "select_on_test", "true", "seeds", "17,18"));
        assertThat(optimistic.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        String bc = Files.readString(dir.resolve("best_config.json"));
        assertThat(bc).contains("test-folds (select_on_test=true", "\"seed\" : 17", "\"seed\" : 18",
            "\"overall_kappa_qw_mean_over_seeds\"");
        assertThat(store.metrics(optimistic.getJobInstance().getInstanceId(), "loco"))
            .filteredOn(m -> m.name().equals("overall_kappa_qw")).extracting(EvalStore.MetricRow::scope)
            .containsExactlyInAnyOrder("pooled", "seed:17", "seed:18");
        assertThat(metric(optimistic, "loco", "seed:17", "overall_kappa_qw").value())
            .isEqualTo(metric(optimistic, "loco", "pooled", "overall_kappa_qw").value());
    }

    @Test
    void badParametersAndLabelsAreRefusedBeforeTheJobStarts() throws Exception {
        assertThatThrownBy(() -> run("labels", labels.toString(), "embeddings", emb.toString(), "protcol", "probe"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("unknown parameter(s) [protcol]");
        assertThatThrownBy(() -> run("labels", labels.toString(), "embeddings", emb.toString(), "protocol", "nb07"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("protocol must be one of");
        assertThatThrownBy(() -> run("labels", labels.toString(), "embeddings", emb.toString(), "protocol", "binary-cv",
            "label", "cancer_code")).isInstanceOf(InvalidJobParametersException.class)
            .hasMessageContaining("binary-cv needs two classes in column 'cancer_code'");
        List<String> lines = Files.readAllLines(labels);
        Path dup = tmp.resolve("dup.csv");
        Files.write(dup, List.of(append(lines.toArray(String[]::new), lines.get(3))));
        assertThatThrownBy(() -> run("labels", dup.toString(), "embeddings", emb.toString()))
            .isInstanceOf(InvalidJobParametersException.class)
            .hasMessageContaining(dup + " line " + (lines.size() + 1)).hasMessageContaining("duplicate row").hasMessageContaining("line 4");
        Path unknown = tmp.resolve("unknown.csv");
        Files.write(unknown, List.of(append(lines.toArray(String[]::new), lines.get(3).replaceFirst("^syn-[^,]*", "syn-missing"))));
        assertThatThrownBy(() -> run("labels", unknown.toString(), "embeddings", emb.toString(), "strict_labels", "true"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("unknown slide 'syn-missing'");
        Path missing = tmp.resolve("missing.csv");
        List<String> m = new java.util.ArrayList<>(lines);
        String[] cells = m.get(2).split(",", -1);
        cells[2] = "";
        m.set(2, String.join(",", cells));
        Files.write(missing, m);
        assertThatThrownBy(() -> run("labels", missing.toString(), "embeddings", emb.toString(), "strict_labels", "true"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining(missing + " line 3: missing label");
        Path single = tmp.resolve("single.csv");
        List<String> s = new java.util.ArrayList<>(lines);
        String[] c = s.get(1).split(",", -1);
        String patient = c[7];
        for (int i = 1; i < s.size(); i++) {
            String[] ci = s.get(i).split(",", -1);
            if (ci[7].equals(patient)) {
                ci[2] = "SYN-RARE";
                s.set(i, String.join(",", ci));
            }
        }
        Files.write(single, s);
        assertThatThrownBy(() -> run("labels", single.toString(), "embeddings", emb.toString()))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining(single + " line 2: class 'SYN-RARE' has one member");
    }

    @Test
    void labelRowsWithoutAnEmbeddingOrALabelAreLeftOutRecordedAndTheRunGoesOn() throws Exception {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(labels));
        String[] cells = lines.get(2).split(",", -1);
        cells[1] = "";
        String unlabelled = cells[0];
        lines.set(2, String.join(",", cells));
        lines.add(lines.get(5).replaceFirst("^syn-[^,]*", "syn-missing"));
        Path f = tmp.resolve("partial.csv");
        Files.write(f, lines);
        JobExecution e = run("labels", f.toString(), "embeddings", emb.toString(), "protocol", "binary-cv", "boots", "20");
        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long split = e.getStepExecutions().stream().filter(s -> s.getStepName().equals("evaluate.split")).findFirst()
            .orElseThrow().getId();
        assertThat(store.exclusions(e.getJobInstance().getInstanceId(), "binary-cv")).containsExactly(
            new EvalStore.ExclusionRow(3, unlabelled, "no label in column 'label'", split),
            new EvalStore.ExclusionRow(lines.size(), "syn-missing", "no embedding for slide syn-missing under " + emb
                + " (not a slide of this workspace's manifest)", split));
        Path dir = tmp.resolve("ws/evaluation/binary-cv");
        assertThat(Files.readAllLines(dir.resolve("excluded.csv"))).containsExactly(
            "line,label_key,reason,step_execution_id",
            "3," + unlabelled + ",no label in column 'label'," + split,
            lines.size() + ",syn-missing,no embedding for slide syn-missing under " + emb
                + " (not a slide of this workspace's manifest)," + split);
        assertThat(Files.readString(dir.resolve("results.json"))).contains("\"n_slides\" : 149", "\"n_excluded\" : 2",
            "\"label_key\" : \"syn-missing\"");
        assertThat(Files.readAllLines(dir.resolve("oof.csv"))).hasSize(150);
    }

    static String[] append(String[] a, String... more) {
        String[] out = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }
}
