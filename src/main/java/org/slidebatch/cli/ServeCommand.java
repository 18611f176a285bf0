package org.slidebatch.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slidebatch.web.DashboardServer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Read-only web dashboard over the job repository: runs, steps, progress, passports, slides, failures, reports.")
final class ServeCommand extends GlobalOptions implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}). "
        + "Any non-loopback address requires a token.")
    String bind;

    @Option(names = "--token", paramLabel = "T", description = "Token every request must carry (Authorization: Bearer T, or "
        + "?token=T once in a browser). Default: $" + DashboardServer.TOKEN_ENV + ".")
    String token;

    @Override
    public Integer call() throws Exception {
        String t = token != null ? token : System.getenv(DashboardServer.TOKEN_ENV);
        try {
            DashboardServer.checkBind(bind, t);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
        if (main.db == null && !java.nio.file.Files.exists(workspace().root().resolve("db").resolve("slidebatch.mv.db"))) {
            throw new CliException("no job repository in " + workspace().root() + " (run a job there first, or give --db)", 2);
        }
        DashboardServer.Running running;
        try {
            running = DashboardServer.start(workspace(), main.db, bind, port, t);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new CliException("cannot start the dashboard on " + bind + ":" + port + ": " + root.getMessage(), e);
        }
        String host = bind.contains(":") ? "[" + bind + "]" : bind;
        System.out.printf("[serve] dashboard at http://%s:%d/%s (read-only; Ctrl-C to stop)%n", host, running.port(),
            t == null ? "" : "?token=…");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
