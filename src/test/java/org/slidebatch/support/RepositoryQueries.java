package org.slidebatch.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.slidebatch.workspace.EmbeddedDatabase;
import org.slidebatch.workspace.Workspace;

/** Plain JDBC reads of a workspace's job repository and domain tables, for assertions after a process ended. */
public final class RepositoryQueries {

    private final String url;
    private final EmbeddedDatabase.Credentials login;

    public RepositoryQueries(Path workspace) {
        Workspace ws = new Workspace(workspace);
        this.url = ws.defaultJdbcUrl();
        this.login = EmbeddedDatabase.credentials(ws);
    }

    /** Queries on a server database (PostgreSQL: the shared job repository of remote partitioning tests). */
    public RepositoryQueries(String jdbcUrl) {
        this.url = jdbcUrl;
        this.login = null;
    }

    private Connection connect() throws SQLException {
        if (login == null) {
            return DriverManager.getConnection(url);
        }
        return DriverManager.getConnection(url, login.user(), login.password());
    }

    public long count(String sql) {
        return longs(sql).getFirst();
    }

    public List<Long> longs(String sql) {
        List<Long> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new AssertionError("query failed: " + sql, e);
        }
        return out;
    }

    public List<String> strings(String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new AssertionError("query failed: " + sql, e);
        }
        return out;
    }

    /** Runs an update (tests that simulate what a crash leaves behind). */
    public int update(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new AssertionError("update failed: " + sql, e);
        }
    }

    /** Statuses of the job's executions, oldest first. */
    public List<String> executionStatuses(String job) {
        return strings("SELECT e.STATUS FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID "
            + "WHERE i.JOB_NAME = '" + job + "' ORDER BY e.JOB_EXECUTION_ID");
    }

    public List<Long> executionIds(String job) {
        return longs("SELECT e.JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID "
            + "WHERE i.JOB_NAME = '" + job + "' ORDER BY e.JOB_EXECUTION_ID");
    }

    /** Sum of items written by every execution of a step: equals the slide count exactly when nothing was written twice. */
    public long totalWrites(String step) {
        return count("SELECT COALESCE(SUM(WRITE_COUNT), 0) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = '" + step + "'");
    }
}
