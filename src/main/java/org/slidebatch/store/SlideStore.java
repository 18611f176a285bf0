package org.slidebatch.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@code slide} and {@code slide_step_status} tables. Writes join the caller's transaction. */
public class SlideStore {

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    public SlideStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.dataSource = dataSource;
    }

    /** The job repository's data source (for the stores a legacy step builder makes itself). */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Records a manifest row. A slide whose fingerprint changed loses every downstream step status, so later
     * steps re-process it instead of trusting outputs computed from the old file.
     */
    public void saveManifestEntry(SlideRecord r, String manifestStep) {
        Optional<String> previous = jdbc.sql("SELECT fingerprint FROM slide WHERE slide_id = ?")
            .param(r.slideId()).query(String.class).optional();
        if (previous.isPresent() && !previous.get().equals(r.fingerprint())) {
            jdbc.sql("DELETE FROM slide_step_status WHERE slide_id = ? AND step_name <> ?")
                .param(r.slideId()).param(manifestStep).update();
        }
        jdbc.sql("DELETE FROM slide WHERE slide_id = ?").param(r.slideId()).update();
        jdbc.sql("""
                INSERT INTO slide (slide_id, path, cancer_code, fingerprint, fingerprint_sha256, file_size, mtime, vendor,
                  width, height, level_count, level_dimensions, level_downsamples, mpp_x, mpp_y, mpp_source,
                  objective_power, associated_images, status, error, manifest_job_instance_id,
                  manifest_job_execution_id, manifest_step_execution_id, recorded_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.slideId(), r.path(), r.cancerCode(), r.fingerprint(), r.fingerprintSha256(), r.fileSize(),
                ts(r.mtime()), r.vendor(), r.width(), r.height(), r.levelCount(), r.levelDimensions(),
                r.levelDownsamples(), r.mppX(), r.mppY(), r.mppSource(), r.objectivePower(), r.associatedImages(),
                r.status(), r.error(), r.manifestJobInstanceId(), r.manifestJobExecutionId(),
                r.manifestStepExecutionId(), ts(r.recordedAt()))
            .update();
    }

    /** A usable slide other than {@code slideId} with this quick fingerprint (the same file under another name). */
    public Optional<SlideRecord> findOkByFingerprint(String fingerprint, String slideId) {
        return jdbc.sql("SELECT * FROM slide WHERE fingerprint = ? AND slide_id <> ? AND status = 'ok' ORDER BY path LIMIT 1")
            .param(fingerprint).param(slideId).query(SlideStore::slide).optional();
    }

    public Optional<SlideRecord> find(String slideId) {
        return jdbc.sql("SELECT * FROM slide WHERE slide_id = ?").param(slideId).query(SlideStore::slide).optional();
    }

    /** The slides a manifest job instance recorded, by slide id. */
    public List<SlideRecord> findByManifestInstance(long jobInstanceId) {
        return jdbc.sql("SELECT * FROM slide WHERE manifest_job_instance_id = ? ORDER BY slide_id")
            .param(jobInstanceId).query(SlideStore::slide).list();
    }

    public List<SlideRecord> findAll() {
        return jdbc.sql("SELECT * FROM slide ORDER BY slide_id").query(SlideStore::slide).list();
    }

    public void saveStepStatus(SlideStepStatus s) {
        jdbc.sql("DELETE FROM slide_step_status WHERE slide_id = ? AND step_name = ?")
            .param(s.slideId()).param(s.stepName()).update();
        jdbc.sql("""
                INSERT INTO slide_step_status (slide_id, step_name, status, reason, fingerprint, job_execution_id,
                  step_execution_id, updated_at) VALUES (?,?,?,?,?,?,?,?)""")
            .params(s.slideId(), s.stepName(), s.status(), s.reason(), s.fingerprint(), s.jobExecutionId(),
                s.stepExecutionId(), ts(s.updatedAt()))
            .update();
    }

    public Optional<SlideStepStatus> findStepStatus(String slideId, String stepName) {
        return jdbc.sql("SELECT * FROM slide_step_status WHERE slide_id = ? AND step_name = ?")
            .param(slideId).param(stepName).query(SlideStore::stepStatus).optional();
    }

    public List<SlideStepStatus> findStepStatuses() {
        return jdbc.sql("SELECT * FROM slide_step_status ORDER BY slide_id, updated_at, step_name")
            .query(SlideStore::stepStatus)
            .list();
    }

    public long countStepStatuses(String stepName, long jobExecutionIdAtLeast) {
        return jdbc.sql("SELECT COUNT(*) FROM slide_step_status WHERE step_name = ? AND job_execution_id >= ?")
            .param(stepName).param(jobExecutionIdAtLeast).query(Long.class).single();
    }

    static SlideStepStatus stepStatus(ResultSet rs, int row) throws SQLException {
        return new SlideStepStatus(rs.getString("slide_id"), rs.getString("step_name"), rs.getString("status"),
            rs.getString("reason"), rs.getString("fingerprint"), nullableLong(rs, "job_execution_id"),
            nullableLong(rs, "step_execution_id"), instant(rs.getTimestamp("updated_at")));
    }

    static SlideRecord slide(ResultSet rs, int row) throws SQLException {
        return new SlideRecord(rs.getString("slide_id"), rs.getString("path"), rs.getString("cancer_code"),
            rs.getString("fingerprint"), rs.getString("fingerprint_sha256"), nullableLong(rs, "file_size"),
            instant(rs.getTimestamp("mtime")), rs.getString("vendor"), nullableLong(rs, "width"),
            nullableLong(rs, "height"), nullableInt(rs, "level_count"), rs.getString("level_dimensions"),
            rs.getString("level_downsamples"), nullableDouble(rs, "mpp_x"), nullableDouble(rs, "mpp_y"),
            rs.getString("mpp_source"), nullableDouble(rs, "objective_power"), rs.getString("associated_images"),
            rs.getString("status"), rs.getString("error"), nullableLong(rs, "manifest_job_instance_id"),
            nullableLong(rs, "manifest_job_execution_id"), nullableLong(rs, "manifest_step_execution_id"),
            instant(rs.getTimestamp("recorded_at")));
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static Long nullableLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    static Integer nullableInt(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    static Double nullableDouble(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }
}
