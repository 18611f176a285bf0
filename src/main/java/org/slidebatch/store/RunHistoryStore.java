package org.slidebatch.store;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.batch.core.repository.dao.DefaultExecutionContextSerializer;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Read-only queries over the job repository (Spring Batch's BATCH_* tables) and the domain tables, for the
 * dashboard. Every statement goes through {@link #select}, which refuses anything but a SELECT: this class cannot
 * change the database whatever it is asked.
 */
public class RunHistoryStore {

    private final JdbcClient jdbc;

    public RunHistoryStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public record JobRun(long executionId, long instanceId, String jobName, String status, String exitCode,
                         String exitMessage, LocalDateTime created, LocalDateTime start, LocalDateTime end, String host,
                         Long pid, String user) {
        public boolean running() {
            return status.equals("STARTING") || status.equals("STARTED") || status.equals("STOPPING");
        }
    }

    public record StepRun(long stepExecutionId, String stepName, String status, long read, long write, long filter,
                          long readSkip, long processSkip, long writeSkip, long commits, long rollbacks, String exitCode,
                          String exitMessage, LocalDateTime start, LocalDateTime end, Map<String, Object> progress) {
        public long skips() {
            return readSkip + processSkip + writeSkip;
        }
    }

    public record Parameter(String name, String type, String value, boolean identifying) {
    }

    public record Passport(long stepExecutionId, String stepName, String host, String os, String cpuModel, int cpuCores,
                           long ramBytes, String gpu, String jvm, String projectVersion, String gitCommit,
                           String parametersHash, double wallSeconds, double cpuSeconds, long peakHeapBytes,
                           long peakRssBytes, long itemsIn, long itemsOut, long itemsSkipped, double throughputPerSecond,
                           String notes) {
    }

    public record SlideStatus(String slideId, String stepName, String status, String reason, Long jobExecutionId,
                              LocalDateTime updatedAt) {
    }

    JdbcClient.StatementSpec select(String sql) {
        String head = sql.stripLeading().toUpperCase(Locale.ROOT);
        if (!head.startsWith("SELECT ") || sql.indexOf(';') >= 0) {
            throw new IllegalStateException("the dashboard only reads: refused " + sql);
        }
        return jdbc.sql(sql);
    }

    private volatile String runSql;

    /**
     * The runs query. The dashboard runs no migration, so a repository last opened by an older build may lack
     * {@code execution_owner.os_user} (V41): then "who" is simply unknown.
     */
    private String runSql() {
        if (runSql == null) {
            boolean user = jdbc.sql("SELECT COUNT(*) FROM information_schema.columns WHERE LOWER(table_name) = 'execution_owner' "
                + "AND LOWER(column_name) = 'os_user' AND table_schema = CURRENT_SCHEMA").query(Long.class).single() > 0;
            runSql = """
                SELECT e.JOB_EXECUTION_ID, e.JOB_INSTANCE_ID, i.JOB_NAME, e.STATUS, e.EXIT_CODE, e.EXIT_MESSAGE, e.CREATE_TIME,
                  e.START_TIME, e.END_TIME, o.host, o.pid, %s
                FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
                LEFT JOIN execution_owner o ON o.job_execution_id = e.JOB_EXECUTION_ID
                """.formatted(user ? "o.os_user" : "CAST(NULL AS VARCHAR(256))");
        }
        return runSql;
    }

    public List<JobRun> runs(int limit) {
        return select(runSql() + " ORDER BY e.JOB_EXECUTION_ID DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")
            .query((rs, i) -> run(rs)).list();
    }

    public Optional<JobRun> run(long executionId) {
        return select(runSql() + " WHERE e.JOB_EXECUTION_ID = ?").param(executionId).query((rs, i) -> run(rs)).optional();
    }

    private static JobRun run(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new JobRun(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
            time(rs.getTimestamp(7)), time(rs.getTimestamp(8)), time(rs.getTimestamp(9)), rs.getString(10),
            SlideStore.nullableLong(rs, "pid"), rs.getString(12));
    }

    public List<Parameter> parameters(long executionId) {
        return select("SELECT PARAMETER_NAME, PARAMETER_TYPE, PARAMETER_VALUE, IDENTIFYING FROM BATCH_JOB_EXECUTION_PARAMS "
                + "WHERE JOB_EXECUTION_ID = ? ORDER BY PARAMETER_NAME")
            .param(executionId)
            .query((rs, i) -> new Parameter(rs.getString(1), shortType(rs.getString(2)), rs.getString(3), "Y".equals(rs.getString(4))))
            .list();
    }

    public List<StepRun> steps(long executionId) {
        return select("""
                SELECT s.STEP_EXECUTION_ID, s.STEP_NAME, s.STATUS, s.READ_COUNT, s.WRITE_COUNT, s.FILTER_COUNT,
                  s.READ_SKIP_COUNT, s.PROCESS_SKIP_COUNT, s.WRITE_SKIP_COUNT, s.COMMIT_COUNT, s.ROLLBACK_COUNT, s.EXIT_CODE,
                  s.EXIT_MESSAGE, s.START_TIME, s.END_TIME, c.SHORT_CONTEXT, c.SERIALIZED_CONTEXT
                FROM BATCH_STEP_EXECUTION s LEFT JOIN BATCH_STEP_EXECUTION_CONTEXT c ON c.STEP_EXECUTION_ID = s.STEP_EXECUTION_ID
                WHERE s.JOB_EXECUTION_ID = ? ORDER BY s.STEP_EXECUTION_ID""")
            .param(executionId)
            .query((rs, i) -> new StepRun(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getString(12),
                rs.getString(13), time(rs.getTimestamp(14)), time(rs.getTimestamp(15)),
                progress(rs.getString(17) != null ? rs.getString(17) : rs.getString(16))))
            .list();
    }

    /** The {@code progress.*} entries the progress listener keeps in the step execution context. */
    static Map<String, Object> progress(String serialized) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (serialized == null || serialized.isBlank()) {
            return out;
        }
        try {
            Map<String, Object> ctx = new DefaultExecutionContextSerializer()
                .deserialize(new ByteArrayInputStream(serialized.getBytes(StandardCharsets.ISO_8859_1)));
            ctx.forEach((k, v) -> {
                if (k.startsWith("progress.")) {
                    out.put(k.substring("progress.".length()), v);
                }
            });
        } catch (Exception unreadable) {
            out.put("unreadable", unreadable.getClass().getSimpleName());
        }
        return out;
    }

    public List<Passport> passports(long executionId) {
        return select("""
                SELECT step_execution_id, step_name, host, os, cpu_model, cpu_cores, ram_bytes, gpu, jvm, project_version,
                  git_commit, parameters_hash, wall_seconds, cpu_seconds, peak_heap_bytes, peak_rss_bytes, items_in, items_out,
                  items_skipped, throughput_per_s, notes
                FROM compute_passport WHERE job_execution_id = ? ORDER BY step_execution_id""")
            .param(executionId)
            .query((rs, i) -> new Passport(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getDouble(13), rs.getDouble(14), rs.getLong(15), rs.getLong(16), rs.getLong(17),
                rs.getLong(18), rs.getLong(19), rs.getDouble(20), rs.getString(21)))
            .list();
    }

    public List<SlideStatus> slideStatuses(Long jobExecutionId, boolean problemsOnly, int offset, int limit) {
        String where = (jobExecutionId != null ? " WHERE job_execution_id = " + jobExecutionId : " WHERE 1 = 1")
            + (problemsOnly ? " AND status NOT IN ('done', 'DONE', 'COMPLETED')" : "");
        return select("SELECT slide_id, step_name, status, reason, job_execution_id, updated_at FROM slide_step_status" + where
                + " ORDER BY slide_id, updated_at OFFSET " + Math.max(0, offset) + " ROWS FETCH NEXT " + Math.max(1, limit) + " ROWS ONLY")
            .query((rs, i) -> new SlideStatus(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                SlideStore.nullableLong(rs, "job_execution_id"), time(rs.getTimestamp(6))))
            .list();
    }

    public List<String> slideIds(int offset, int limit) {
        return select("SELECT slide_id FROM slide ORDER BY slide_id OFFSET " + Math.max(0, offset) + " ROWS FETCH NEXT "
            + Math.max(1, limit) + " ROWS ONLY").query(String.class).list();
    }

    public long slideCount() {
        return select("SELECT COUNT(*) FROM slide").query(Long.class).single();
    }

    /** Status per step of these slides (slide → step → status row). */
    public Map<String, Map<String, SlideStatus>> statusesOf(List<String> slideIds) {
        Map<String, Map<String, SlideStatus>> out = new LinkedHashMap<>();
        slideIds.forEach(id -> out.put(id, new LinkedHashMap<>()));
        if (slideIds.isEmpty()) {
            return out;
        }
        String in = String.join(",", java.util.Collections.nCopies(slideIds.size(), "?"));
        select("SELECT slide_id, step_name, status, reason, job_execution_id, updated_at FROM slide_step_status WHERE slide_id IN ("
                + in + ") ORDER BY slide_id, step_name")
            .params(slideIds.toArray())
            .query((rs, i) -> new SlideStatus(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                SlideStore.nullableLong(rs, "job_execution_id"), time(rs.getTimestamp(6))))
            .list().forEach(s -> out.computeIfAbsent(s.slideId(), k -> new LinkedHashMap<>()).put(s.stepName(), s));
        return out;
    }

    public List<String> stepNames() {
        return select("SELECT DISTINCT step_name FROM slide_step_status ORDER BY step_name").query(String.class).list();
    }

    /** Failed step executions with their messages, newest first. */
    public List<StepFailure> failedSteps(int limit) {
        return select("""
                SELECT s.JOB_EXECUTION_ID, i.JOB_NAME, s.STEP_EXECUTION_ID, s.STEP_NAME, s.STATUS, s.EXIT_MESSAGE, s.END_TIME
                FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
                WHERE s.STATUS IN ('FAILED', 'STOPPED', 'ABANDONED', 'UNKNOWN')
                ORDER BY s.STEP_EXECUTION_ID DESC""" + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")
            .query((rs, i) -> new StepFailure(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), time(rs.getTimestamp(7))))
            .list();
    }

    public record StepFailure(long jobExecutionId, String jobName, long stepExecutionId, String stepName, String status,
                              String exitMessage, LocalDateTime end) {
    }

    /** Report step executions with how many items each drew (empty when the table does not exist yet). */
    public List<ReportRun> reports() {
        if (!ReportStore.tableExists(jdbc, "report_item")) {
            return List.of();
        }
        return select("""
                    SELECT r.report_step_execution_id, s.JOB_EXECUTION_ID, MIN(r.report_path),
                      SUM(CASE WHEN r.available THEN 1 ELSE 0 END), COUNT(*), MAX(r.recorded_at)
                    FROM report_item r LEFT JOIN BATCH_STEP_EXECUTION s ON s.STEP_EXECUTION_ID = r.report_step_execution_id
                    GROUP BY r.report_step_execution_id, s.JOB_EXECUTION_ID ORDER BY r.report_step_execution_id DESC""")
                .query((rs, i) -> new ReportRun(rs.getLong(1), SlideStore.nullableLong(rs, "JOB_EXECUTION_ID"), rs.getString(3),
                    rs.getInt(4), rs.getInt(5), time(rs.getTimestamp(6))))
                .list();
    }

    public record ReportRun(long stepExecutionId, Long jobExecutionId, String path, int available, int items,
                            LocalDateTime recordedAt) {
    }

    static LocalDateTime time(Timestamp t) {
        return t == null ? null : t.toLocalDateTime();
    }

    static String shortType(String type) {
        return type == null ? "" : type.substring(type.lastIndexOf('.') + 1);
    }
}
