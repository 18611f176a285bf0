package org.slidebatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.report.ReportFixtures;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code slidebatch serve} over a job repository that a batch context fills: every page answers, a running job's
 * progress shows as it changes, no method but GET/HEAD passes, nothing in the database changes, and a token is
 * enforced when configured.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
class DashboardFunctionalTests {

    @TempDir
    static Path tmp;

    static DashboardServer.Running server;

    @Autowired
    JobRepository jobRepository;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    DataSource dataSource;

    @Autowired
    @Qualifier("reportJob")
    Job reportJob;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    DashboardServer.Running server() {
        if (server == null) {
            server = DashboardServer.start(new Workspace(tmp.resolve("ws")), null, "127.0.0.1", 0, null);
        }
        return server;
    }

    HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server().port() + path))
            .method(method, method.equals("GET") || method.equals("HEAD") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{}"));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A job execution in STARTED state with one step whose context carries progress, as the progress listener writes it. */
    StepExecution runningStep(int done, int total) throws Exception {
        var params = new JobParametersBuilder().addLong("run.id", System.nanoTime()).toJobParameters();
        JobExecution e = jobRepository.createJobExecution(jobRepository.createJobInstance("features", params), params, new ExecutionContext());
        e.setStartTime(java.time.LocalDateTime.now());
        e.setStatus(BatchStatus.STARTED);
        jobRepository.update(e);
        StepExecution s = jobRepository.createStepExecution("features", e);
        s.setStartTime(java.time.LocalDateTime.now());
        s.setStatus(BatchStatus.STARTED);
        jobRepository.update(s);
        progress(s, done, total);
        return s;
    }

    void progress(StepExecution s, int done, int total) {
        s.getExecutionContext().putInt("progress.done", done);
        s.getExecutionContext().putInt("progress.total", total);
        s.getExecutionContext().putDouble("progress.rate", 0.5);
        s.getExecutionContext().putLong("progress.eta_seconds", (total - done) * 2L);
        s.setReadCount(done);
        s.setWriteCount(done);
        jobRepository.update(s);
        jobRepository.updateExecutionContext(s);
    }

    @Test
    void runningJobProgressChangesBetweenTwoPageLoads() throws Exception {
        StepExecution s = runningStep(1, 4);
        String path = "/runs/" + s.getJobExecutionId();
        HttpResponse<String> first = send("GET", path);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("<span class=\"progress\">1/4</span>", "ETA 0:00:06",
            "<meta http-equiv=\"refresh\" content=\"3\"/>", "STARTED");
        progress(s, 3, 4);
        HttpResponse<String> second = send("GET", path);
        assertThat(second.body()).contains("<span class=\"progress\">3/4</span>", "ETA 0:00:02").doesNotContain(">1/4<");
        // The runs page refreshes too while a job runs.
        assertThat(send("GET", "/").body()).contains("http-equiv=\"refresh\"", "/runs/" + s.getJobExecutionId());
    }

    @Test
    void everyPageAnswersAndNoEndpointWrites() throws Exception {
        ReportFixtures fx = new ReportFixtures(jobRepository, dataSource);
        fx.databaseRows();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("INSERT INTO slide_step_status (slide_id, step_name, status, reason, job_execution_id, step_execution_id, updated_at) "
                + "VALUES ('TCGA-AA-0004-01Z', 'qc', 'failed', 'cannot open: not a slide', ?, ?, CURRENT_TIMESTAMP)")
            .params(fx.jobs.get("qc"), fx.steps.get("qc")).update();
        JobExecution report = JobLaunches.start(jobOperator, reportJob, "dpi", "72");
        assertThat(report.getStatus()).isEqualTo(BatchStatus.COMPLETED);

        Map<String, Long> before = rowCounts(jdbc);
        List<String> pages = List.of("/", "/runs/" + report.getId(), "/runs/" + fx.jobs.get("qc"), "/slides", "/failures",
            "/reports", "/reports/" + report.getId() + "/index.html", "/api/runs", "/api/runs/" + report.getId());
        for (String p : pages) {
            HttpResponse<String> r = send("GET", p);
            assertThat(r.statusCode()).as(p).isEqualTo(200);
            for (String m : List.of("POST", "PUT", "DELETE", "PATCH")) {
                HttpResponse<String> w = send(m, p, "Content-Type", "application/json");
                assertThat(w.statusCode()).as(m + " " + p).isEqualTo(405);
                assertThat(w.headers().firstValue("Allow")).contains("GET, HEAD");
            }
        }
        assertThat(send("GET", "/slides").body()).contains("TCGA-AA-0004-01Z", "cannot open: not a slide", "/runs/" + fx.jobs.get("qc"));
        assertThat(send("GET", "/failures").body()).contains("cannot open: not a slide");
        assertThat(send("GET", "/reports").body()).contains("/reports/" + report.getId() + "/index.html");
        assertThat(send("GET", "/runs/" + fx.jobs.get("qc")).body()).contains("fixture-host", "ffffffffffff");
        assertThat(send("GET", "/").body()).contains(System.getProperty("user.name") + "@");
        assertThat(send("GET", "/reports/" + report.getId() + "/../../db/slidebatch.mv.db").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/runs/987654").statusCode()).isEqualTo(404);
        assertThat(rowCounts(jdbc)).isEqualTo(before);

    }

    @Test
    void aTokenIsRequiredWhenConfiguredAndTravelsAsACookie() throws Exception {
        try (var guarded = DashboardServer.start(new Workspace(tmp.resolve("ws")), null, "127.0.0.1", 0, "s3cret-token")) {
            String base = "http://127.0.0.1:" + guarded.port();
            var none = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            var wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/")).header("Authorization", "Bearer nope-nope").build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            var bearer = http.send(HttpRequest.newBuilder(URI.create(base + "/")).header("Authorization", "Bearer s3cret-token").build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(bearer.statusCode()).isEqualTo(200);
            var query = http.send(HttpRequest.newBuilder(URI.create(base + "/slides?token=s3cret-token")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(query.statusCode()).isEqualTo(200);
            assertThat(query.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("slidebatch_token=s3cret-token", "HttpOnly"));
            var post = http.send(HttpRequest.newBuilder(URI.create(base + "/")).header("Authorization", "Bearer s3cret-token")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    static Map<String, Long> rowCounts(JdbcClient jdbc) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String t : jdbc.sql("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME")
            .query(String.class).list()) {
            out.put(t, jdbc.sql("SELECT COUNT(*) FROM \"" + t + "\"").query(Long.class).single());
        }
        return out;
    }
}
