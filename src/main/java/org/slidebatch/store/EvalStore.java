package org.slidebatch.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Evaluation tables (V30): splits, fit starts, per-fold results, out-of-fold predictions, summary metrics. Rows
 * are keyed by job instance and protocol; writes join the caller's transaction except where noted.
 */
public class EvalStore {

    /** A fold result as stored; {@code metrics} is a JSON object of name → number or null. */
    public record FoldResultRow(String taskKey, long splitSeed, String foldName, String model, double c, String selected,
                                int nTrain, int nTest, int fits, String metrics, Double seconds, long stepExecutionId) {
    }

    public record PredictionRow(String taskKey, String unitId, int yTrue, int yPred, String probabilities,
                                long stepExecutionId) {
    }

    public record MetricRow(String scope, String name, Double value, String undefinedReason, Double ciLow, Double ciHigh,
                            String ciUnit, Integer ciReplicates, Long ciSeed, long stepExecutionId) {
    }

    /** A label row left out of an evaluation (V90). */
    public record ExclusionRow(int line, String key, String reason, long stepExecutionId) {
    }

    private final JdbcClient jdbc;

    public EvalStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** Replaces the split rows of this protocol: one row per (seed, fold, test unit). */
    public void replaceSplits(long jobInstanceId, String protocol, String splitter, long seed, String foldName, int foldIndex,
                              List<String> testUnits, long stepExecutionId) {
        jdbc.sql("DELETE FROM eval_split WHERE job_instance_id = ? AND protocol = ? AND split_seed = ? AND fold_name = ?")
            .params(jobInstanceId, protocol, seed, foldName).update();
        for (String u : testUnits) {
            jdbc.sql("""
                    INSERT INTO eval_split (job_instance_id, protocol, splitter, split_seed, fold_name, fold_index, unit_id,
                      step_execution_id) VALUES (?,?,?,?,?,?,?,?)""")
                .params(jobInstanceId, protocol, splitter, seed, foldName, foldIndex, u, stepExecutionId).update();
        }
    }

    public Set<String> testUnits(long jobInstanceId, String protocol, long seed, String foldName) {
        return new HashSet<>(jdbc.sql("""
                SELECT unit_id FROM eval_split WHERE job_instance_id = ? AND protocol = ? AND split_seed = ? AND fold_name = ?""")
            .params(jobInstanceId, protocol, seed, foldName).query(String.class).list());
    }

    public Set<String> finishedTasks(long jobInstanceId, String protocol) {
        return new HashSet<>(jdbc.sql("SELECT task_key FROM eval_fold_result WHERE job_instance_id = ? AND protocol = ?")
            .params(jobInstanceId, protocol).query(String.class).list());
    }

    /** Records that a fit began; call in its own transaction so a crash mid-fit still counts it. */
    public void recordFitStart(long jobInstanceId, String protocol, String taskKey, long stepExecutionId) {
        jdbc.sql("INSERT INTO eval_fit (job_instance_id, protocol, task_key, step_execution_id, started_at) VALUES (?,?,?,?,?)")
            .params(jobInstanceId, protocol, taskKey, stepExecutionId, Timestamp.from(Instant.now())).update();
    }

    /** Fit starts per task key. */
    public Map<String, Integer> fitStarts(long jobInstanceId, String protocol) {
        Map<String, Integer> out = new HashMap<>();
        jdbc.sql("SELECT task_key, COUNT(*) AS n FROM eval_fit WHERE job_instance_id = ? AND protocol = ? GROUP BY task_key")
            .params(jobInstanceId, protocol)
            .query(rs -> {
                out.put(rs.getString("task_key"), rs.getInt("n"));
            });
        return out;
    }

    public void saveFoldResult(long jobInstanceId, String protocol, FoldResultRow r, List<PredictionRow> predictions) {
        jdbc.sql("""
                INSERT INTO eval_fold_result (job_instance_id, protocol, task_key, split_seed, fold_name, model, c_value,
                  selected, n_train, n_test, fits, metrics, seconds, step_execution_id, recorded_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(jobInstanceId, protocol, r.taskKey(), r.splitSeed(), r.foldName(), r.model(),
                Double.isNaN(r.c()) ? -1.0 : r.c(), r.selected(), r.nTrain(), r.nTest(), r.fits(), r.metrics(), r.seconds(),
                r.stepExecutionId(), Timestamp.from(Instant.now()))
            .update();
        for (PredictionRow p : predictions) {
            jdbc.sql("""
                    INSERT INTO eval_prediction (job_instance_id, protocol, task_key, unit_id, y_true, y_pred, probabilities,
                      step_execution_id) VALUES (?,?,?,?,?,?,?,?)""")
                .params(jobInstanceId, protocol, p.taskKey(), p.unitId(), p.yTrue(), p.yPred(), p.probabilities(),
                    p.stepExecutionId())
                .update();
        }
    }

    public List<FoldResultRow> foldResults(long jobInstanceId, String protocol) {
        return jdbc.sql("SELECT * FROM eval_fold_result WHERE job_instance_id = ? AND protocol = ? ORDER BY task_key")
            .params(jobInstanceId, protocol)
            .query((rs, i) -> new FoldResultRow(rs.getString("task_key"), rs.getLong("split_seed"), rs.getString("fold_name"),
                rs.getString("model"), rs.getDouble("c_value"), rs.getString("selected"), rs.getInt("n_train"),
                rs.getInt("n_test"), rs.getInt("fits"), rs.getString("metrics"), SlideStore.nullableDouble(rs, "seconds"),
                rs.getLong("step_execution_id")))
            .list();
    }

    public List<PredictionRow> predictions(long jobInstanceId, String protocol) {
        return jdbc.sql("SELECT * FROM eval_prediction WHERE job_instance_id = ? AND protocol = ? ORDER BY task_key, unit_id")
            .params(jobInstanceId, protocol)
            .query((rs, i) -> new PredictionRow(rs.getString("task_key"), rs.getString("unit_id"), rs.getInt("y_true"),
                rs.getInt("y_pred"), rs.getString("probabilities"), rs.getLong("step_execution_id")))
            .list();
    }

    public void replaceMetrics(long jobInstanceId, String protocol, List<MetricRow> rows) {
        jdbc.sql("DELETE FROM eval_metric WHERE job_instance_id = ? AND protocol = ?").params(jobInstanceId, protocol).update();
        for (MetricRow m : rows) {
            jdbc.sql("""
                    INSERT INTO eval_metric (job_instance_id, protocol, scope, name, metric_value, undefined_reason, ci_low,
                      ci_high, ci_unit, ci_replicates, ci_seed, step_execution_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""")
                .params(jobInstanceId, protocol, m.scope(), m.name(), m.value(), m.undefinedReason(), m.ciLow(), m.ciHigh(),
                    m.ciUnit(), m.ciReplicates(), m.ciSeed(), m.stepExecutionId())
                .update();
        }
    }

    public List<MetricRow> metrics(long jobInstanceId, String protocol) {
        return jdbc.sql("SELECT * FROM eval_metric WHERE job_instance_id = ? AND protocol = ? ORDER BY scope, name")
            .params(jobInstanceId, protocol)
            .query((rs, i) -> new MetricRow(rs.getString("scope"), rs.getString("name"), SlideStore.nullableDouble(rs, "metric_value"),
                rs.getString("undefined_reason"), SlideStore.nullableDouble(rs, "ci_low"), SlideStore.nullableDouble(rs, "ci_high"),
                rs.getString("ci_unit"), SlideStore.nullableInt(rs, "ci_replicates"), SlideStore.nullableLong(rs, "ci_seed"),
                rs.getLong("step_execution_id")))
            .list();
    }

    /** Replaces the left-out label rows of this protocol. */
    public void replaceExclusions(long jobInstanceId, String protocol, List<ExclusionRow> rows) {
        jdbc.sql("DELETE FROM eval_exclusion WHERE job_instance_id = ? AND protocol = ?").params(jobInstanceId, protocol).update();
        for (ExclusionRow r : rows) {
            jdbc.sql("""
                    INSERT INTO eval_exclusion (job_instance_id, protocol, line_number, label_key, reason, step_execution_id)
                    VALUES (?,?,?,?,?,?)""")
                .params(jobInstanceId, protocol, r.line(), r.key(), r.reason(), r.stepExecutionId()).update();
        }
    }

    public List<ExclusionRow> exclusions(long jobInstanceId, String protocol) {
        return jdbc.sql("SELECT * FROM eval_exclusion WHERE job_instance_id = ? AND protocol = ? ORDER BY line_number")
            .params(jobInstanceId, protocol)
            .query((rs, i) -> new ExclusionRow(rs.getInt("line_number"), rs.getString("label_key"), rs.getString("reason"),
                rs.getLong("step_execution_id")))
            .list();
    }
}
