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

    @Test
    void reportAndDashboardOnPostgres() throws Exception {
        String url = SERVER + "&currentSchema=" + SCHEMA;
        Path ws = tmp.resolve("ws");
        assertThat(SlidebatchMain.execute("--workspace", ws.toString(), "--db", url, "run", "report", "--param", "dpi=72")).isZero();
        try (var server = DashboardServer.start(new Workspace(ws), url, "127.0.0.1", 0, null)) {
            HttpClient http = HttpClient.newHttpClient();
            for (String p : List.of("/", "/runs/1", "/slides", "/failures", "/reports", "/reports/1/index.html", "/api/runs/1")) {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + p)).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(p).isEqualTo(200);
            }
            var reports = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/reports")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(reports.body()).contains("/reports/1/index.html");
            DataSource ds = server.context().getBean(DataSource.class);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("DELETE FROM report_item")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("read-only");
            }
        }
    }
}
