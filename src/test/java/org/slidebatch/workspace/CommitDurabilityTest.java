package org.slidebatch.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.support.CliProcess;

/**
 * A commit to the workspace's embedded repository survives a kill -9 that follows it. With H2's default
 * {@code WRITE_DELAY} (500 ms) committed transactions reached the file up to half a second later, so a crashed job
 * lost its last chunk commits, owner rows and training-log rows (seen as executions without an owner and lost
 * {@code grade_epoch} rows); with that default this test finds the database empty. The workspace's URL sets 0 (1 ms lost commits under load).
 */
class CommitDurabilityTest {

    @TempDir
    Path tmp;

    /** The child: commits {@code n} rows one transaction each, says so, and waits to be killed. */
    public static final class CommitThenWait {
        public static void main(String[] args) throws Exception {
            Workspace ws = new Workspace(Path.of(args[0]));
            int n = Integer.parseInt(args[1]);
            EmbeddedDatabase.Credentials login = EmbeddedDatabase.credentials(ws);
            try (Connection c = DriverManager.getConnection(ws.defaultJdbcUrl(), login.user(), login.password());
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE durability (i INT PRIMARY KEY)");
                for (int i = 0; i < n; i++) {
                    s.execute("INSERT INTO durability VALUES (" + i + ")");   // auto-commit: one transaction each
                }
                System.out.println("committed " + n);
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }

    @Test
    void rowsCommittedJustBeforeAKill9AreStillThereAfterIt() throws Exception {
        int n = 200;
        Path root = tmp.resolve("ws");
        try (CliProcess p = CliProcess.java(List.of("-Xmx128m"), CommitThenWait.class.getName(), root.toString(), "" + n)) {
            assertThat(p.awaitLine(l -> l.startsWith("committed"), Duration.ofMinutes(1))).as(p.output()).isEqualTo("committed " + n);
            p.kill9();
        }
        Workspace ws = new Workspace(root);
        EmbeddedDatabase.Credentials login = EmbeddedDatabase.credentials(ws);
        try (Connection c = DriverManager.getConnection(ws.defaultJdbcUrl(), login.user(), login.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(i) FROM durability")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(n);
            assertThat(rs.getInt(2)).isEqualTo(n - 1);
        }
    }
}
