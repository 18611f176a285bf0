package org.slidebatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.TestCohorts;

/**
 * The same CLI against PostgreSQL (loopback server of this machine kind), in a schema of its own.
 * Skips with a message where no server answers on 127.0.0.1:5432.
 */
class PostgresRepositoryTests {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    static final String SCHEMA = "slidebatch_test_" + ProcessHandle.current().pid();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void schema() {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + SCHEMA);
        } catch (SQLException e) {
            assumeTrue(false, "PostgreSQL not reachable at " + SERVER + " (" + e.getMessage() + "): skipping PostgreSQL tests");
        }
    }

    @AfterAll
    static void dropSchema() {
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        } catch (SQLException ignored) {
            // server gone: nothing to clean
        }
    }

    static String url() {
        return SERVER + "&currentSchema=" + SCHEMA;
    }

    static String cli(int expectedExit, String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = SlidebatchMain.execute(args);
        } finally {
            System.setOut(out);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(expectedExit);
        return text;
    }

    @Test
    void manifestRunsAndRecordsHistoryOnPostgres() throws Exception {
        Path cohort = TestCohorts.small(tmp.resolve("cohort"), 4, 11);
        String ws = tmp.resolve("ws").toString();
        String run = cli(0, "--workspace", ws, "--db", url(), "run", "manifest", "--param", "roots=" + cohort);
        assertThat(run).contains("finished: COMPLETED");
        // A second context on the same schema: Flyway and the batch schema initialisation must be idempotent.
        String history = cli(0, "--workspace", ws, "--db", url(), "history", "--json");
        assertThat(history).contains("\"status\" : \"COMPLETED\"").contains("\"job\" : \"manifest\"");
        String again = cli(1, "--workspace", ws, "--db", url(), "run", "manifest", "--param", "roots=" + cohort);
        assertThat(again).doesNotContain("started");
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + ".slide")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(4);
        }
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + ".compute_passport")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }
}
