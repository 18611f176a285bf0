package org.slidebatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.TestCohorts;
import org.slidebatch.workspace.Workspace;

/**
 * A real job in another process (the manifest of generated slides, slowed per item) while the dashboard watches the
 * same embedded repository: the run page shows it STARTED, reloading, and its progress moving between two loads.
 */
class DashboardLiveJobTests {

    static final Duration LONG = Duration.ofMinutes(4);
    static final Pattern PROGRESS = Pattern.compile("<span class=\"progress\">(\\d+)/(\\d+)</span>");

    @TempDir
    Path tmp;

    @Test
    void progressOfARunningJobChangesBetweenTwoPageLoads() throws Exception {
        assumeTrue("1".equals(System.getenv("SLIDEBATCH_HEAVY_TESTS")),
            "a second JVM running a slowed job (1–2 min here): set SLIDEBATCH_HEAVY_TESTS=1 (DashboardFunctionalTests covers it fast)");
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        Path cohort = TestCohorts.small(tmp.resolve("cohort"), 60, 5);
        Path ws = tmp.resolve("ws");
        // The dashboard first (it opens no connection until asked), so the job cannot finish while it starts.
        try (var server = DashboardServer.start(new Workspace(ws), null, "127.0.0.1", 0, null);
             CliProcess job = CliProcess.start(500, "--workspace", ws.toString(), "run", "manifest", "--param", "roots=" + cohort)) {
            job.awaitLine(l -> l.startsWith("[manifest.record]") && l.contains("/60 slides"), LONG);
            {
                HttpClient http = HttpClient.newHttpClient();
                URI page = URI.create("http://127.0.0.1:" + server.port() + "/runs/1");
                String first = http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(first).contains("STARTED", "http-equiv=\"refresh\"");
                Matcher m1 = PROGRESS.matcher(first);
                assertThat(m1.find()).as(first).isTrue();
                int done1 = Integer.parseInt(m1.group(1));
                assertThat(m1.group(2)).isEqualTo("60");
                long deadline = System.nanoTime() + LONG.toNanos();
                int done2 = done1;
                String second = first;
                while (done2 == done1 && System.nanoTime() < deadline) {
                    Thread.sleep(1000);
                    second = http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString()).body();
                    Matcher m2 = PROGRESS.matcher(second);
                    assertThat(m2.find()).as(second).isTrue();
                    done2 = Integer.parseInt(m2.group(1));
                }
                assertThat(done2).as("progress after %d on the first load", done1).isGreaterThan(done1);
            }
            assertThat(job.waitFor(LONG)).as(job.output()).isZero();
            String after = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/runs/1")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(after).contains("COMPLETED", "<span class=\"progress\">60/60</span>").doesNotContain("http-equiv=\"refresh\"");
        }
    }
}
