package org.slidebatch.store;

import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the post-training diagnostics read (the pretrain step's {@code training_log} rows) and write (one
 * {@code posttrain_gate} row per gate).
 */
public class DiagnosticsStore {

    /** One training-log row as the loss gate needs it; {@code loss} is null where the row has none. */
    public record LoggedLoss(long stepExecutionId, int phase, int epoch, long step, Double loss, Instant recordedAt) {
    }

    /** One gate's outcome, with the step execution that judged it. */
    public record GateRow(long stepExecutionId, String gate, String status, String detail, Double value,
                          String reportPath, Instant recordedAt) {
    }

    private final JdbcClient jdbc;

    public DiagnosticsStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /**
     * The training-log rows of the job instance {@code jobInstanceId} (every execution, restarts included), or when
     * it has none, of the newest job instance that has any: a diagnostics job on its own judges the last training.
     * Empty when nothing was logged or the table does not exist yet.
     */
    public List<LoggedLoss> trainingLog(long jobInstanceId) {
        try {
            List<LoggedLoss> own = trainingLogOf(jobInstanceId);
            if (!own.isEmpty()) {
                return own;
            }
            List<Long> newest = jdbc.sql("""
                    SELECT j.JOB_INSTANCE_ID FROM training_log t
                      JOIN BATCH_STEP_EXECUTION s ON s.STEP_EXECUTION_ID = t.step_execution_id
                      JOIN BATCH_JOB_EXECUTION j ON j.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                    ORDER BY t.recorded_at DESC, t.step_execution_id DESC""")
                .query(Long.class).list();
            return newest.isEmpty() ? List.of() : trainingLogOf(newest.getFirst());
        } catch (BadSqlGrammarException e) {
            return List.of(); // no training_log table: nothing was ever trained in this database
        }
    }

    private List<LoggedLoss> trainingLogOf(long jobInstanceId) {
        return jdbc.sql("""
                SELECT t.step_execution_id, t.phase, t.epoch, t.step, t.loss, t.recorded_at FROM training_log t
                  JOIN BATCH_STEP_EXECUTION s ON s.STEP_EXECUTION_ID = t.step_execution_id
                  JOIN BATCH_JOB_EXECUTION j ON j.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                WHERE j.JOB_INSTANCE_ID = ? ORDER BY t.recorded_at, t.step_execution_id, t.phase, t.step""")
            .param(jobInstanceId)
            .query((rs, i) -> {
                double loss = rs.getDouble("loss");
                return new LoggedLoss(rs.getLong("step_execution_id"), rs.getInt("phase"), rs.getInt("epoch"),
                    rs.getLong("step"), rs.wasNull() ? null : loss, SlideStore.instant(rs.getTimestamp("recorded_at")));
            })
            .list();
    }

    public void saveGates(long stepExecutionId, List<GateRow> rows) {
        jdbc.sql("DELETE FROM posttrain_gate WHERE step_execution_id = ?").param(stepExecutionId).update();
        for (GateRow r : rows) {
            jdbc.sql("""
                    INSERT INTO posttrain_gate (step_execution_id, gate, status, detail, gate_value, report_path, recorded_at)
                    VALUES (?,?,?,?,?,?,?)""")
                .params(r.stepExecutionId(), r.gate(), r.status(), r.detail(), r.value(), r.reportPath(),
                    SlideStore.ts(r.recordedAt()))
                .update();
        }
    }

    public List<GateRow> findGates(long stepExecutionId) {
        return jdbc.sql("SELECT * FROM posttrain_gate WHERE step_execution_id = ? ORDER BY gate").param(stepExecutionId)
            .query((rs, i) -> {
                double v = rs.getDouble("gate_value");
                return new GateRow(rs.getLong("step_execution_id"), rs.getString("gate"), rs.getString("status"),
                    rs.getString("detail"), rs.wasNull() ? null : v, rs.getString("report_path"),
                    SlideStore.instant(rs.getTimestamp("recorded_at")));
            })
            .list();
    }
}
