package org.slidebatch.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's chromium, headless, driven through chromedriver's W3C WebDriver HTTP protocol with the JDK's HTTP client
 * (no Selenium needed): open a page, run a script, read the browser console, take a screenshot.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process driver;
    private final String base;
    private final String session;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public static boolean isAvailable() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    public HeadlessChromium(Path logDir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(logDir);
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
            .redirectErrorStream(true).redirectOutput(logDir.resolve("chromedriver.log").toFile()).start();
        base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                if (call("GET", "/status", null).path("value").path("ready").asBoolean(false)) {
                    break;
                }
            } catch (IOException notYet) {
                // chromedriver is still starting
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("chromedriver did not become ready on " + base);
            }
            Thread.sleep(200);
        }
        Map<String, Object> caps = Map.of("capabilities", Map.of("alwaysMatch", Map.of(
            "browserName", "chrome",
            "goog:loggingPrefs", Map.of("browser", "ALL"),
            "goog:chromeOptions", Map.of("binary", CHROMIUM.toString(), "args", List.of("--headless", "--no-sandbox",
                "--disable-gpu", "--window-size=1280,900", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage")))));
        session = call("POST", "/session", caps).path("value").path("sessionId").asString();
    }

    private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        if (r.statusCode() >= 400) {
            throw new IOException("webdriver " + method + " " + path + " -> " + r.statusCode() + ": " + n.path("value").path("message").asString());
        }
        return n;
    }

    public void open(String url) throws Exception {
        call("POST", "/session/" + session + "/url", Map.of("url", url));
    }

    public JsonNode script(String js) throws Exception {
        return call("POST", "/session/" + session + "/execute/sync", Map.of("script", js, "args", List.of())).path("value");
    }

    /** Console entries since the last call (chromedriver's log endpoint); level SEVERE is an error. */
    public List<String> consoleErrors() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode e : call("POST", "/session/" + session + "/se/log", Map.of("type", "browser")).path("value")) {
            if (e.path("level").asString().equals("SEVERE")) {
                out.add(e.path("message").asString());
            }
        }
        return out;
    }

    public void screenshot(Path png) throws Exception {
        String b64 = call("GET", "/session/" + session + "/screenshot", null).path("value").asString();
        Files.createDirectories(png.getParent());
        Files.write(png, Base64.getDecoder().decode(b64));
    }

    @Override
    public void close() {
        try {
            call("DELETE", "/session/" + session, null);
        } catch (Exception ignored) {
            // the driver goes down below anyway
        }
        driver.destroy();
        try {
            driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
