package org.slidebatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.report.ReportBuilder;
import org.slidebatch.report.ReportFixtures;
import org.slidebatch.support.HeadlessChromium;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

import tools.jackson.databind.JsonNode;

/**
 * Debian's headless chromium loads the report (from the file system) and every dashboard page: no console error,
 * no broken image, no broken link or in-page anchor. Screenshots land in {@code target/browser-test/screens/}.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
class BrowserTests {

    static final Path DIR = Path.of("target/browser-test").toAbsolutePath();
    static final Path WS = DIR.resolve("ws");

    static final String CHECK = """
        const broken = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);
        const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
        const anchors = [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href').substring(1))
          .filter(id => !document.getElementById(id));
        return {broken: broken, links: links, missingAnchors: anchors, images: document.images.length, title: document.title};
        """;

    @Autowired
    JobRepository jobRepository;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    DataSource dataSource;

    @Autowired
    @Qualifier("reportJob")
    Job reportJob;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) throws Exception {
        FileSystemUtils.deleteRecursively(DIR);
        registry.add("slidebatch.workspace", WS::toString);
    }

    @Test
    void reportAndEveryDashboardPageLoadCleanInChromium() throws Exception {
        assumeTrue(HeadlessChromium.isAvailable(), "chromium and chromedriver are not installed (scripts/setup installs them)");
        ReportFixtures fx = new ReportFixtures(jobRepository, dataSource);
        fx.databaseRows();
        fx.embeddings(WS);
        fx.evaluationFiles(WS);
        JdbcClient.create(dataSource).sql("INSERT INTO slide_step_status (slide_id, step_name, status, reason, job_execution_id, "
                + "step_execution_id, updated_at) VALUES ('TCGA-AA-0004-01Z', 'qc', 'failed', 'cannot open: not a slide', ?, ?, CURRENT_TIMESTAMP)")
            .params(fx.jobs.get("qc"), fx.steps.get("qc")).update();
        JobExecution report = JobLaunches.start(jobOperator, reportJob);
        assertThat(report.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Path index = ReportBuilder.folder(WS, report.getId()).resolve("index.html");

        try (var server = DashboardServer.start(new Workspace(WS), null, "127.0.0.1", 0, null);
             var chromium = new HeadlessChromium(DIR)) {
            String base = "http://127.0.0.1:" + server.port();
            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("report-file", index.toUri().toString());
            pages.put("runs", base + "/");
            pages.put("run-report", base + "/runs/" + report.getId());
            pages.put("run-qc", base + "/runs/" + fx.jobs.get("qc"));
            pages.put("slides", base + "/slides");
            pages.put("failures", base + "/failures");
            pages.put("reports", base + "/reports");
            pages.put("report-served", base + "/reports/" + report.getId() + "/index.html");
            HttpClient http = HttpClient.newHttpClient();
            List<String> problems = new ArrayList<>();
            for (var page : pages.entrySet()) {
                chromium.open(page.getValue());
                JsonNode r = chromium.script(CHECK);
                System.out.println("[browser] " + page.getKey() + ": " + r.path("title").asString() + ", " + r.path("images").asInt() + " images, " + r.path("links").size() + " links");
                chromium.screenshot(DIR.resolve("screens").resolve(page.getKey() + ".png"));
                chromium.consoleErrors().forEach(e -> problems.add(page.getKey() + ": console error: " + e));
                r.path("broken").forEach(b -> problems.add(page.getKey() + ": broken image " + b.asString()));
                r.path("missingAnchors").forEach(a -> problems.add(page.getKey() + ": no element #" + a.asString()));
                if (page.getKey().equals("report-file") || page.getKey().equals("report-served")) {
                    assertThat(r.path("images").asInt()).as(page.getKey() + " images").isGreaterThan(15);
                }
                for (JsonNode l : r.path("links")) {
                    String link = l.asString().replaceAll("#.*$", "");
                    if (link.startsWith("file:")) {
                        if (!Files.isRegularFile(Path.of(URI.create(link)))) {
                            problems.add(page.getKey() + ": broken link " + link);
                        }
                    } else if (link.startsWith(base)) {
                        int code = http.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (code != 200) {
                            problems.add(page.getKey() + ": link " + link + " -> " + code);
                        }
                    } else {
                        problems.add(page.getKey() + ": link leaves the report/dashboard: " + link);
                    }
                }
            }
            assertThat(problems).isEmpty();
        }
        assertThat(DIR.resolve("screens/report-file.png")).isNotEmptyFile();
        assertThat(DIR.resolve("screens/runs.png")).isNotEmptyFile();
    }
}
