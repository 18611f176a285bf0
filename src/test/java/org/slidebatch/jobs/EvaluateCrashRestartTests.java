package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.evaluate.EvaluationCohort;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.CrashRestart;
import org.slidebatch.support.RepositoryQueries;

/**
 * Job {@code evaluate} (loco) killed with SIGKILL during {@code evaluate.folds}, then restarted: every fold finished
 * before the kill is never fitted again (fit starts counted in eval_fit), and the final metrics and files equal an
 * uninterrupted run's.
 */
class EvaluateCrashRestartTests {

    static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    static Path tmp;
    static Path labels;

    @BeforeAll
    static void cohort() throws Exception {
        labels = EvaluationCohort.write(tmp.resolve("cohort"), 90, 21, 0.1);
    }

    static String[] run(Path ws) {
        return new String[] {"--workspace", ws.toString(), "run", "evaluate", "--param", "labels=" + labels,
            "--param", "embeddings=" + tmp.resolve("cohort/emb"), "--param", "protocol=loco",
            "--param", "models=ordinal,ridge", "--param", "Cs=0.1,1.0", "--param", "boots=200"};
    }

    @Test
    void killMinus9DuringFoldsThenRestartRefitsNoFinishedFoldAndReportsTheSame() throws Exception {
        Path crashed = tmp.resolve("ws-crashed");
        CrashRestart.Result r = CrashRestart.killThenRestart(crashed, "evaluate", "evaluate.folds", 4, 300, LONG, run(crashed));
        RepositoryQueries db = r.db();
        long tasks = db.count("SELECT COUNT(*) FROM eval_fold_result");
        // 6 centers × (2 models × 2 Cs + 1 nested selection)
        assertThat(tasks).isEqualTo(30);
        List<Long> foldSteps = db.longs("SELECT STEP_EXECUTION_ID FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = 'evaluate.folds' "
            + "ORDER BY STEP_EXECUTION_ID");
        assertThat(foldSteps).hasSize(2);
        long before = db.count("SELECT COUNT(*) FROM eval_fold_result WHERE step_execution_id = " + foldSteps.get(0));
        // The progress line is printed just before its fold's transaction commits, so the 4th may be lost.
        assertThat(before).isBetween(3L, tasks - 1);
        // A fold finished before the kill was fitted exactly once; at most the one in flight was started twice.
        assertThat(db.count("SELECT COUNT(*) FROM eval_fit f JOIN eval_fold_result r ON f.task_key = r.task_key "
            + "WHERE r.step_execution_id = " + foldSteps.get(0))).isEqualTo(before);
        assertThat(db.count("SELECT COUNT(*) FROM eval_fit WHERE step_execution_id = " + foldSteps.get(1))).isEqualTo(tasks - before);
        assertThat(db.count("SELECT COUNT(*) FROM eval_fit")).isBetween(tasks, tasks + 1);

        Path clean = tmp.resolve("ws-uninterrupted");
        CliProcess p = CliProcess.run(LONG, run(clean));
        assertThat(p.exitCode()).as(p.output()).isZero();
        String metrics = "SELECT scope || '|' || name || '|' || COALESCE(CAST(metric_value AS VARCHAR), 'null') || '|' || "
            + "COALESCE(CAST(ci_low AS VARCHAR), '') || '|' || COALESCE(CAST(ci_high AS VARCHAR), '') FROM eval_metric ORDER BY scope, name";
        List<String> expected = new RepositoryQueries(clean).strings(metrics);
        assertThat(expected).isNotEmpty();
        assertThat(db.strings(metrics)).isEqualTo(expected);
        String predictions = "SELECT task_key || '|' || unit_id || '|' || y_pred FROM eval_prediction ORDER BY task_key, unit_id";
        assertThat(db.strings(predictions)).isEqualTo(new RepositoryQueries(clean).strings(predictions));
        for (String f : List.of("ablations_summary.csv", "best_patient_predictions.csv", "per_center_kappa.csv",
            "transition_matrix_counts.csv", "transition_matrix_normalized.csv")) {
            assertThat(withoutProvenance(crashed.resolve("evaluation/loco/" + f))).as(f)
                .isEqualTo(withoutProvenance(clean.resolve("evaluation/loco/" + f)));
        }
    }

    /** The file's lines without the last (step_execution_id) column, which names different executions. */
    static List<String> withoutProvenance(Path csv) throws Exception {
        try (Stream<String> s = Files.lines(csv)) {
            return s.map(l -> l.substring(0, l.lastIndexOf(','))).toList();
        }
    }
}
