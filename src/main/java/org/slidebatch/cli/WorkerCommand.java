package org.slidebatch.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.batch.Partitioning;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Take partitions of the per-slide steps (qc, segment, tile, grid, features, embed) from a RabbitMQ queue",
        "and run them until stopped (SIGTERM/Ctrl-C; kill -9 is safe too: the partition goes to another worker).",
        "The manager is `slidebatch run JOB --param partitioning=remote`; manager and workers share the job repository",
        "(--db, PostgreSQL) and the workspace folder. See docs/scale-out.md."})
final class WorkerCommand extends GlobalOptions implements Callable<Integer> {

    @Option(names = "--queue", paramLabel = "NAME",
        description = "Queue to take partition requests from (default: ${DEFAULT-VALUE}; the manager's remote_queue).")
    String queue = Partitioning.DEFAULT_QUEUE;

    @Override
    public Integer call() throws InterruptedException {
        if (!queue.matches("[A-Za-z0-9._:-]{1,200}")) {
            throw new CliException("--queue must be 1-200 characters of letters, digits, '.', '_', ':' or '-', got '" + queue + "'", 2);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        BatchContext ctx;
        try {
            ctx = BatchContext.open(workspace(), db(), broker(), true, Map.of("slidebatch.worker.queue", queue));
        } catch (CliException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CliException("cannot start the worker: " + BatchContext.describeBroker(broker()) + ": "
                + org.slidebatch.store.RepositoryConnection.redactSecrets(String.valueOf(e.getMessage()), broker()));
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            // Stops taking requests; a partition still running is cut off and its request goes back to the queue.
            ctx.close();
            stopped.countDown();
        }));
        System.out.printf("[worker] pid %d on %s takes partitions from queue %s at %s; job repository %s; workspace %s%n",
            ProcessHandle.current().pid(), HostFacts.current().host(), queue, BatchContext.describeBroker(broker()),
            ctx.connection().describe(), workspace().root());
        if (ctx.embeddedRepository()) {
            System.out.println("[worker] warning: the job repository is the workspace's embedded H2: only processes on this "
                + "machine can share it; use PostgreSQL (--db) for workers on several machines");
        }
        stopped.await();
        return 0;
    }
}
