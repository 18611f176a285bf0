package org.slidebatch.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the report reads from the database (slides, QC, tokens, passports, the training log, which step executions
 * exist) and the {@code report_item} rows it writes. Tables of stages that may not exist yet in this database
 * (training_log) read as absent, never as an error.
 */
public class ReportStore {

    private final JdbcClient jdbc;

    public ReportStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public record SlideRow(String slideId, String status, Double mppX, String mppSource, String cancerCode,
                           Long stepExecutionId) {
    }

    public record QcPoint(String slideId, double tissuePct, double blurVar, boolean excluded, Long jobExecutionId) {
    }

    public record TokenRow(String slideId, double scale, int tiles, Long jobExecutionId) {
    }

    /** The passport columns the report draws and cites. */
    public record PassportRow(long stepExecutionId, long jobExecutionId, String jobName, String stepName, String status,
                              String host, String gitCommit, String parametersHash, Instant startedAt, double wallSeconds,
                              long itemsOut, double throughputPerSecond) {
    }

    public record TrainingLogRow(long stepExecutionId, String phase, int epoch, long step, double lr, double loss,
                                 Double lossByol, Double lossMfr, Double tokensPerSecond) {
    }

    /** A step execution as the repository knows it. */
    public record StepExecutionRef(long stepExecutionId, long jobExecutionId, String jobName, String stepName, String status) {
    }

    public List<SlideRow> slides() {
        return jdbc.sql("SELECT slide_id, status, mpp_x, mpp_source, cancer_code, manifest_step_execution_id FROM slide ORDER BY slide_id")
            .query((rs, i) -> new SlideRow(rs.getString(1), rs.getString(2), SlideStore.nullableDouble(rs, "mpp_x"),
                rs.getString(4), rs.getString(5), SlideStore.nullableLong(rs, "manifest_step_execution_id")))
            .list();
    }

    public List<QcPoint> qc() {
        return jdbc.sql("SELECT slide_id, tissue_pct, blur_var, excluded, job_execution_id FROM qc_metrics ORDER BY slide_id")
            .query((rs, i) -> new QcPoint(rs.getString(1), rs.getDouble(2), rs.getDouble(3), rs.getBoolean(4),
                SlideStore.nullableLong(rs, "job_execution_id")))
            .list();
    }

    public List<TokenRow> tokens() {
        return jdbc.sql("SELECT slide_id, scale_um_per_px, tiles, job_execution_id FROM tile_summary ORDER BY slide_id, scale_um_per_px")
            .query((rs, i) -> new TokenRow(rs.getString(1), rs.getDouble(2), rs.getInt(3), SlideStore.nullableLong(rs, "job_execution_id")))
            .list();
    }

    public List<PassportRow> passports() {
        return jdbc.sql("""
                SELECT step_execution_id, job_execution_id, job_name, step_name, status, host, git_commit, parameters_hash,
                  started_at, wall_seconds, items_out, throughput_per_s FROM compute_passport ORDER BY step_execution_id""")
            .query((rs, i) -> new PassportRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), SlideStore.instant(rs.getTimestamp(9)),
                rs.getDouble(10), rs.getLong(11), rs.getDouble(12)))
            .list();
    }

    /** The pretraining log, or empty when this database has no {@code training_log} table (pretraining not built/run). */
    public Optional<List<TrainingLogRow>> trainingLog() {
        // Ask first instead of catching the error: on PostgreSQL a failed statement aborts the step's transaction.
        if (!tableExists(jdbc, "training_log")) {
            return Optional.empty();
        }
        return Optional.of(jdbc.sql("""
                    SELECT step_execution_id, phase, epoch, step, lr, loss, loss_byol, loss_mfr, tokens_per_s FROM training_log
                    ORDER BY step_execution_id, epoch, step""")
                .query((rs, i) -> new TrainingLogRow(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
                    rs.getDouble(5), rs.getDouble(6), SlideStore.nullableDouble(rs, "loss_byol"),
                    SlideStore.nullableDouble(rs, "loss_mfr"), SlideStore.nullableDouble(rs, "tokens_per_s")))
                .list());
    }

    /** Whether the current schema has this table (H2 stores names upper case, PostgreSQL lower case). */
    static boolean tableExists(JdbcClient jdbc, String table) {
        return jdbc.sql("SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = ? AND table_schema = CURRENT_SCHEMA")
            .param(table.toLowerCase(java.util.Locale.ROOT)).query(Long.class).single() > 0;
    }

    /** The step executions of these job executions that ran a step of this name (e.g. the {@code qc} step of a qc job). */
    public List<Long> stepExecutionsOf(Collection<Long> jobExecutionIds, String stepName) {
        Set<Long> out = new TreeSet<>();
        for (Long job : new TreeSet<>(jobExecutionIds)) {
            out.addAll(jdbc.sql("SELECT STEP_EXECUTION_ID FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ? AND STEP_NAME = ?")
                .params(job, stepName).query(Long.class).list());
        }
        return new ArrayList<>(out);
    }

    /** The step execution ids of slide_step_status rows of one step (who did the features of each slide). */
    public List<Long> slideStepExecutions(String stepName) {
        return jdbc.sql("SELECT DISTINCT step_execution_id FROM slide_step_status WHERE step_name = ? AND step_execution_id IS NOT NULL ORDER BY 1")
            .param(stepName).query(Long.class).list();
    }

    /** Which of these ids exist as step executions, with their job and step names (ids not in the repository are left out). */
    public Map<Long, StepExecutionRef> stepExecutions(Collection<Long> ids) {
        Map<Long, StepExecutionRef> out = new LinkedHashMap<>();
        for (Long id : new TreeSet<>(ids)) {
            jdbc.sql("""
                    SELECT s.STEP_EXECUTION_ID, s.JOB_EXECUTION_ID, i.JOB_NAME, s.STEP_NAME, s.STATUS
                    FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                    JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID WHERE s.STEP_EXECUTION_ID = ?""")
                .param(id)
                .query((rs, i) -> new StepExecutionRef(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .optional().ifPresent(r -> out.put(id, r));
        }
        return out;
    }

    public void saveItem(long reportStepExecutionId, String itemId, String kind, String title, boolean available,
                         String reason, String files, String sourceIds, String inputs, String reportPath) {
        jdbc.sql("DELETE FROM report_item WHERE report_step_execution_id = ? AND item_id = ?").params(reportStepExecutionId, itemId).update();
        jdbc.sql("""
                INSERT INTO report_item (report_step_execution_id, item_id, kind, title, available, reason, files,
                  source_step_execution_ids, inputs, report_path, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,CURRENT_TIMESTAMP)""")
            .params(reportStepExecutionId, itemId, kind, title, available, reason, files, sourceIds, inputs, reportPath).update();
    }

    public record ItemRow(long reportStepExecutionId, String itemId, String kind, boolean available, String reason,
                          String sourceStepExecutionIds) {
    }

    public List<ItemRow> items(long reportStepExecutionId) {
        return jdbc.sql("SELECT report_step_execution_id, item_id, kind, available, reason, source_step_execution_ids FROM report_item WHERE report_step_execution_id = ? ORDER BY item_id")
            .param(reportStepExecutionId)
            .query((rs, i) -> new ItemRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5), rs.getString(6)))
            .list();
    }
}
