package org.slidebatch.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@code scan_issue} table: what each manifest scan could not use, and why. Writes join the caller's transaction. */
public class ScanIssueStore {

    private final JdbcClient jdbc;

    public ScanIssueStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** Replaces the issues of a manifest job instance (a scan that ran again after a crash records its own). */
    public void replace(long manifestJobInstanceId, List<ScanIssue> issues, Long jobExecutionId, Long stepExecutionId) {
        jdbc.sql("DELETE FROM scan_issue WHERE manifest_job_instance_id = ?").param(manifestJobInstanceId).update();
        Timestamp now = Timestamp.from(Instant.now());
        for (ScanIssue i : issues) {
            jdbc.sql("""
                    INSERT INTO scan_issue (manifest_job_instance_id, path, slide_id, kind, reason, job_execution_id,
                      step_execution_id, recorded_at) VALUES (?,?,?,?,?,?,?,?)""")
                .params(manifestJobInstanceId, i.path(), i.slideId(), i.kind(), i.reason(), jobExecutionId,
                    stepExecutionId, now)
                .update();
        }
    }

    public List<ScanIssue> findByManifestInstance(long manifestJobInstanceId) {
        return jdbc.sql("SELECT * FROM scan_issue WHERE manifest_job_instance_id = ? ORDER BY path")
            .param(manifestJobInstanceId).query(ScanIssueStore::issue).list();
    }

    /**
     * The issues of the scans the workspace's slides come from (each slide row names its manifest job instance),
     * and of the latest scan, so a fixed problem disappears once its folder is scanned again.
     */
    public List<ScanIssue> findCurrent() {
        return jdbc.sql("""
                SELECT * FROM scan_issue WHERE manifest_job_instance_id IN (SELECT manifest_job_instance_id FROM slide)
                   OR manifest_job_instance_id = (SELECT MAX(manifest_job_instance_id) FROM scan_issue)
                ORDER BY path""")
            .query(ScanIssueStore::issue).list();
    }

    static ScanIssue issue(ResultSet rs, int row) throws SQLException {
        return new ScanIssue(rs.getString("path"), rs.getString("slide_id"), rs.getString("kind"), rs.getString("reason"));
    }
}
