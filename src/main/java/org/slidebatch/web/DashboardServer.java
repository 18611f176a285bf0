package org.slidebatch.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.slidebatch.workspace.Workspace;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the read-only dashboard: a servlet web context of its own (the batch context stays
 * {@code web-application-type=none}) with no Flyway, no Spring Batch auto-configuration and no schema
 * initialisation, over a read-only, unpooled connection to the job repository.
 */
public final class DashboardServer {

    /** Environment variable that can carry the token instead of {@code --token}. */
    public static final String TOKEN_ENV = "SLIDEBATCH_SERVE_TOKEN";

    static final List<String> EXCLUDED = List.of(
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.batch.autoconfigure.BatchAutoConfiguration",
        "org.springframework.boot.batch.autoconfigure.BatchJobLauncherAutoConfiguration",
        "org.springframework.boot.batch.autoconfigure.observation.BatchObservationAutoConfiguration",
        "org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration");

    private DashboardServer() {
    }

    /** Refuses a bind address other than loopback without a token; returns the token to use (may be null on loopback). */
    public static String checkBind(String bind, String token) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve bind address '" + bind + "': " + e.getMessage());
        }
        if (!loopback && (token == null || token.isBlank())) {
            throw new IllegalArgumentException("refusing to serve on " + bind + " (not loopback) without a token: give --token T "
                + "or set " + TOKEN_ENV);
        }
        if (token != null && !token.isBlank() && token.length() < 8) {
            throw new IllegalArgumentException("the token must have at least 8 characters");
        }
        return token == null || token.isBlank() ? null : token;
    }

    public record Running(ConfigurableApplicationContext context, int port) implements AutoCloseable {
        @Override
        public void close() {
            context.close();
        }
    }

    public static Running start(Workspace workspace, String jdbcUrl, String bind, int port, String token) {
        String checked = checkBind(bind, token);
        List<String> args = new ArrayList<>(List.of(
            "--spring.main.web-application-type=servlet",
            "--spring.main.banner-mode=off",
            "--spring.profiles.active=" + DashboardApplication.PROFILE,
            "--spring.autoconfigure.exclude=" + String.join(",", EXCLUDED),
            "--server.address=" + bind,
            "--server.port=" + port,
            "--server.error.include-stacktrace=never",
            "--slidebatch.workspace=" + workspace.root()));
        if (jdbcUrl != null) {
            args.add("--slidebatch.db-url=" + jdbcUrl);
        }
        if (checked != null) {
            args.add("--slidebatch.serve.token=" + checked);
        }
        SpringApplication app = new SpringApplication(DashboardApplication.class);
        app.setLogStartupInfo(false);
        ConfigurableApplicationContext ctx = app.run(args.toArray(String[]::new));
        int actual = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        return new Running(ctx, actual);
    }
}
