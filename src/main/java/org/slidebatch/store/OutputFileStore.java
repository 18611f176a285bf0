package org.slidebatch.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code output_file} table: every file a step wrote, with its SHA-256, size, slide (if per slide), input fingerprint
 * and step execution. Kept per execution: a rerun adds rows, so {@code slidebatch trace FILE} can tell which run
 * produced the bytes on disk (matched by hash) and which runs wrote that path before. Writes join the caller's transaction.
 */
public class OutputFileStore {

    /** One registered file. */
    public record OutputFile(String path, String sha256, long bytes, String slideId, String inputFingerprint, String stepName,
                             long jobExecutionId, long stepExecutionId, Instant recordedAt) {
    }

    private final JdbcClient jdbc;

    public OutputFileStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** Hashes {@code file} and records it; {@code slideId} and {@code fingerprint} are null for cohort-level files. */
    public OutputFile register(Path file, String slideId, String fingerprint, String stepName, long jobExecutionId,
                               long stepExecutionId) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        OutputFile f = new OutputFile(abs.toString(), sha256(abs), Files.size(abs), slideId, fingerprint, stepName,
            jobExecutionId, stepExecutionId, Instant.now());
        jdbc.sql("DELETE FROM output_file WHERE path = ? AND step_execution_id = ?").param(f.path()).param(stepExecutionId).update();
        jdbc.sql("""
                INSERT INTO output_file (path, sha256, bytes, slide_id, input_fingerprint, step_name, job_execution_id,
                  step_execution_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)""")
            .params(f.path(), f.sha256(), f.bytes(), slideId, fingerprint, stepName, jobExecutionId, stepExecutionId,
                SlideStore.ts(f.recordedAt()))
            .update();
        return f;
    }

    /** Every registration of this path, newest first. */
    public List<OutputFile> findByPath(Path file) {
        return jdbc.sql("SELECT * FROM output_file WHERE path = ? ORDER BY step_execution_id DESC")
            .param(file.toAbsolutePath().normalize().toString()).query(OutputFileStore::row).list();
    }

    /** The files the steps of a job execution wrote, by step execution and path. */
    public List<OutputFile> findByJobExecution(long jobExecutionId) {
        return jdbc.sql("SELECT * FROM output_file WHERE job_execution_id = ? ORDER BY step_execution_id, path")
            .param(jobExecutionId).query(OutputFileStore::row).list();
    }

    static OutputFile row(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new OutputFile(rs.getString("path"), rs.getString("sha256"), rs.getLong("bytes"), rs.getString("slide_id"),
            rs.getString("input_fingerprint"), rs.getString("step_name"), rs.getLong("job_execution_id"),
            rs.getLong("step_execution_id"), SlideStore.instant(rs.getTimestamp("recorded_at")));
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
