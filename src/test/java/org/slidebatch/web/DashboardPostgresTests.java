package org.slidebatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.cli.SlidebatchMain;
import org.slidebatch.workspace.Workspace;

/**
 * The report job and the dashboard on PostgreSQL (the V40 migration, the dashboard's SQL, and a connection that the
 * server itself keeps read-only). Skips with a message where no server answers on 127.0.0.1:5432.
 */
class DashboardPostgresTests {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    static final String SCHEMA = "slidebatch_dash_" + ProcessHandle.current().pid();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void schema() {
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

    static long jobOf(String url, long stepExecution) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT job_execution_id FROM batch_step_execution WHERE step_execution_id = " + stepExecution)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void reportAndDashboardOnPostgres() throws Exception {
        String url = SERVER + "&currentSchema=" + SCHEMA;
        Path ws = tmp.resolve("ws");
        // Every stage's outputs in their published formats, in a batch context on this schema, then the report job.
        try (var ctx = new org.springframework.boot.builder.SpringApplicationBuilder(org.slidebatch.SlidebatchApplication.class)
            .properties(java.util.Map.of("slidebatch.workspace", ws.toString(), "slidebatch.db-url", url)).run()) {
            var fx = new org.slidebatch.report.ReportFixtures(ctx.getBean(org.springframework.batch.core.repository.JobRepository.class),
                ctx.getBean(DataSource.class));
            fx.databaseRows();
            fx.embeddings(ws);
            fx.evaluationFiles(ws);
        }
        assertThat(SlidebatchMain.execute("--workspace", ws.toString(), "--db", url, "run", "report", "--param", "dpi=72")).isZero();
        long reportExecution;
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT MAX(report_step_execution_id), SUM(CASE WHEN available THEN 1 ELSE 0 END), COUNT(*) FROM report_item")) {
            rs.next();
            assertThat(rs.getInt(2)).as("items drawn on PostgreSQL").isEqualTo(rs.getInt(3) - 2); // all but fig1C and fig4E
            reportExecution = rs.getLong(1);
        }
        assertThat(reportExecution).isPositive();
        try (var server = DashboardServer.start(new Workspace(ws), url, "127.0.0.1", 0, null)) {
            HttpClient http = HttpClient.newHttpClient();
            String reportPage = "/reports/" + jobOf(url, reportExecution) + "/index.html";
            for (String p : List.of("/", "/runs/1", "/slides", "/failures", "/reports", reportPage, "/api/runs/1")) {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + p)).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(p).isEqualTo(200);
            }
            var reports = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/reports")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(reports.body()).contains(reportPage);
            DataSource ds = server.context().getBean(DataSource.class);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("DELETE FROM report_item")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("read-only");
            }
        }
    }
}
