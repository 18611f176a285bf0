package org.slidebatch.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@code compute_passport} and {@code execution_owner} tables. */
public class PassportStore {

    private final JdbcClient jdbc;

    public PassportStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public void save(ComputePassport p) {
        jdbc.sql("DELETE FROM compute_passport WHERE step_execution_id = ?").param(p.stepExecutionId()).update();
        jdbc.sql("""
                INSERT INTO compute_passport (step_execution_id, job_execution_id, job_name, step_name, status, host, os,
                  cpu_model, cpu_cores, ram_bytes, gpu, jvm, library_versions, project_version, git_commit,
                  job_parameters, parameters_hash, started_at, ended_at, wall_seconds, cpu_seconds, peak_heap_bytes,
                  peak_rss_bytes, items_in, items_out, items_skipped, throughput_per_s, pid, notes)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(p.stepExecutionId(), p.jobExecutionId(), p.jobName(), p.stepName(), p.status(), p.host(), p.os(),
                p.cpuModel(), p.cpuCores(), p.ramBytes(), p.gpu(), p.jvm(), p.libraryVersions(), p.projectVersion(),
                p.gitCommit(), p.jobParameters(), p.parametersHash(), SlideStore.ts(p.startedAt()),
                SlideStore.ts(p.endedAt()), p.wallSeconds(), p.cpuSeconds(), p.peakHeapBytes(), p.peakRssBytes(),
                p.itemsIn(), p.itemsOut(), p.itemsSkipped(), p.throughputPerSecond(), p.pid(), p.notes())
            .update();
    }

    static ComputePassport passport(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new ComputePassport(rs.getLong("step_execution_id"), rs.getLong("job_execution_id"),
                rs.getString("job_name"), rs.getString("step_name"), rs.getString("status"), rs.getString("host"),
                rs.getString("os"), rs.getString("cpu_model"), rs.getInt("cpu_cores"), rs.getLong("ram_bytes"),
                rs.getString("gpu"), rs.getString("jvm"), rs.getString("library_versions"),
                rs.getString("project_version"), rs.getString("git_commit"), rs.getString("job_parameters"),
                rs.getString("parameters_hash"), SlideStore.instant(rs.getTimestamp("started_at")),
                SlideStore.instant(rs.getTimestamp("ended_at")), rs.getDouble("wall_seconds"),
                rs.getDouble("cpu_seconds"), rs.getLong("peak_heap_bytes"), rs.getLong("peak_rss_bytes"),
                rs.getLong("items_in"), rs.getLong("items_out"), rs.getLong("items_skipped"),
                rs.getDouble("throughput_per_s"), rs.getLong("pid"), rs.getString("notes"));
    }

    public List<ComputePassport> findByJobExecution(long jobExecutionId) {
        return jdbc.sql("SELECT * FROM compute_passport WHERE job_execution_id = ? ORDER BY step_execution_id")
            .param(jobExecutionId)
            .query(PassportStore::passport)
            .list();
    }

    /**
     * The process that runs (or ran) a job execution; {@code processStartedAt} (when the process started) tells a
     * recycled pid apart from the owner (null in rows recorded before it was kept).
     */
    public record ExecutionOwner(long jobExecutionId, String host, long pid, Instant processStartedAt) {

        public ExecutionOwner(long jobExecutionId, String host, long pid) {
            this(jobExecutionId, host, pid, null);
        }

        /** The current process as the owner of this execution. */
        public static ExecutionOwner current(long jobExecutionId, String host) {
            ProcessHandle self = ProcessHandle.current();
            return new ExecutionOwner(jobExecutionId, host, self.pid(), self.info().startInstant().orElse(null));
        }
    }

    public void saveOwner(ExecutionOwner owner) {
        jdbc.sql("DELETE FROM execution_owner WHERE job_execution_id = ?").param(owner.jobExecutionId()).update();
        // os_user: who started it (shown by `slidebatch serve`); the user of this process, as the owner is this process.
        jdbc.sql("""
                INSERT INTO execution_owner (job_execution_id, host, pid, started_at, process_started_at, os_user)
                VALUES (?,?,?,CURRENT_TIMESTAMP,?,?)""")
            .params(owner.jobExecutionId(), owner.host(), owner.pid(), SlideStore.ts(owner.processStartedAt()),
                System.getProperty("user.name")).update();
    }

    public Optional<ExecutionOwner> findOwner(long jobExecutionId) {
        return jdbc.sql("SELECT job_execution_id, host, pid, process_started_at FROM execution_owner WHERE job_execution_id = ?")
            .param(jobExecutionId)
            .query((rs, i) -> new ExecutionOwner(rs.getLong(1), rs.getString(2), rs.getLong(3),
                SlideStore.instant(rs.getTimestamp(4))))
            .optional();
    }

    /** Records that this process is about to create an execution of the job instance (see V9). */
    public void claim(long jobInstanceId, ExecutionOwner self) {
        jdbc.sql("DELETE FROM execution_claim WHERE job_instance_id = ? AND host = ? AND pid = ?")
            .param(jobInstanceId).param(self.host()).param(self.pid()).update();
        jdbc.sql("INSERT INTO execution_claim (job_instance_id, host, pid, process_started_at, claimed_at) VALUES (?,?,?,?,CURRENT_TIMESTAMP)")
            .params(jobInstanceId, self.host(), self.pid(), SlideStore.ts(self.processStartedAt())).update();
    }

    /** The processes that claimed a job instance, as owners of the given execution. */
    public List<ExecutionOwner> findClaims(long jobInstanceId, long jobExecutionId) {
        return jdbc.sql("SELECT host, pid, process_started_at FROM execution_claim WHERE job_instance_id = ?")
            .param(jobInstanceId)
            .query((rs, i) -> new ExecutionOwner(jobExecutionId, rs.getString(1), rs.getLong(2), SlideStore.instant(rs.getTimestamp(3))))
            .list();
    }

    /** The compute passport of one step execution. */
    public Optional<ComputePassport> findByStepExecution(long stepExecutionId) {
        return jdbc.sql("SELECT * FROM compute_passport WHERE step_execution_id = ?").param(stepExecutionId)
            .query(PassportStore::passport).optional();
    }
}
