package org.slidebatch.store;

import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Per-epoch rows of the grading cross-validation (table {@code grade_epoch}). */
public class GradeStore {

    /** One epoch of one (seed, fold) unit, with the step execution that ran it. */
    public record EpochRow(long stepExecutionId, String runTag, long seed, int fold, int epoch, double trainLoss,
                           double valLoss, double valQwk, double valAccuracy, double lr, Instant recordedAt) {
    }

    private final JdbcClient jdbc;

    public GradeStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** Saves the row, replacing an earlier one of the same epoch (a resumed fold repeats the epochs after its state). */
    public void save(EpochRow r) {
        jdbc.sql("DELETE FROM grade_epoch WHERE run_tag = ? AND seed = ? AND fold = ? AND epoch = ?")
            .params(r.runTag(), r.seed(), r.fold(), r.epoch()).update();
        jdbc.sql("""
                INSERT INTO grade_epoch (step_execution_id, run_tag, seed, fold, epoch, train_loss, val_loss, val_qwk,
                  val_accuracy, lr, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.stepExecutionId(), r.runTag(), r.seed(), r.fold(), r.epoch(), r.trainLoss(), r.valLoss(), r.valQwk(),
                r.valAccuracy(), r.lr(), SlideStore.ts(r.recordedAt()))
            .update();
    }

    public List<EpochRow> find(String runTag) {
        return query("WHERE run_tag = ? ORDER BY seed, fold, epoch", runTag);
    }

    public List<EpochRow> findByStepExecution(long stepExecutionId) {
        return query("WHERE step_execution_id = ? ORDER BY seed, fold, epoch", stepExecutionId);
    }

    private List<EpochRow> query(String where, Object arg) {
        return jdbc.sql("SELECT * FROM grade_epoch " + where).param(arg)
            .query((rs, i) -> new EpochRow(rs.getLong("step_execution_id"), rs.getString("run_tag"), rs.getLong("seed"),
                rs.getInt("fold"), rs.getInt("epoch"), rs.getDouble("train_loss"), rs.getDouble("val_loss"),
                rs.getDouble("val_qwk"), rs.getDouble("val_accuracy"), rs.getDouble("lr"),
                SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list();
    }
}
