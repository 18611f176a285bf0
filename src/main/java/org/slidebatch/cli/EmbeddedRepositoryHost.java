package org.slidebatch.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.slidebatch.store.PassportStore;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The embedded H2 repository runs in AUTO_SERVER mode: the first process to open it holds the database file and
 * serves it to every other process on the workspace. When that process exits, the others reconnect, but a
 * transaction they had open breaks ("Connection is broken: session closed"), and a job step in one of them fails
 * mid-chunk. So a serving process that is done waits, before it closes the database, until the jobs running in
 * other live processes of this host have ended. Killed or crashed owners (their executions left STARTED) do not hold it.
 */
final class EmbeddedRepositoryHost {

    /** An execution created this recently whose owner row is not written yet may belong to a launcher starting up. */
    static final Duration STARTING = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofSeconds(1);

    private EmbeddedRepositoryHost() {
    }

    /** Whether this process holds the embedded database file and serves it (its own session has no client address). */
    static boolean serving(JdbcClient jdbc) {
        return jdbc.sql("SELECT CLIENT_ADDR IS NULL FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = SESSION_ID()")
            .query(Boolean.class).optional().orElse(false);
    }

    /** Sessions of other processes connected through this one. */
    static int guestSessions(JdbcClient jdbc) {
        return jdbc.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE CLIENT_ADDR IS NOT NULL")
            .query(Integer.class).single();
    }

    /** Running executions of other live processes (or just created, owner not yet recorded). */
    static List<Long> guestJobs(JdbcClient jdbc, PassportStore passports) {
        record Running(long id, java.sql.Timestamp created) {
        }
        List<Running> running = jdbc.sql("""
                SELECT JOB_EXECUTION_ID, CREATE_TIME FROM BATCH_JOB_EXECUTION
                WHERE END_TIME IS NULL AND STATUS IN ('STARTING', 'STARTED', 'STOPPING')""")
            .query((rs, i) -> new Running(rs.getLong(1), rs.getTimestamp(2))).list();
        long self = ProcessHandle.current().pid();
        Instant recent = Instant.now().minus(STARTING);
        return running.stream().filter(r -> {
            Optional<PassportStore.ExecutionOwner> owner = passports.findOwner(r.id());
            if (owner.isEmpty()) {
                return r.created() != null && r.created().toInstant().isAfter(recent);
            }
            return owner.get().pid() != self && ExecutionOwners.liveness(owner) == ExecutionOwners.Liveness.ALIVE;
        }).map(Running::id).toList();
    }

    /** A file at least this large that is less than {@link #COMPACT_BELOW_FILL_PERCENT} full is compacted on exit. */
    static final long COMPACT_ABOVE_BYTES = 64L << 20;

    static final int COMPACT_BELOW_FILL_PERCENT = 50;

    /**
     * H2 reclaims little of its file while a long job writes (the live chunks end up scattered over a file mostly
     * free: a 3,000-slide qc-to-tile run left 158 MB, 13 MB once compacted), and its close compacts for
     * 200 ms at most. So the process that serves the file, when no other process is connected, compacts a large
     * sparse file as it closes it ({@code SHUTDOWN COMPACT}: a rewrite of the live pages, 0.3 s for that file). The
     * shutdown closes the pool's connections under it: call it just before the context closes.
     * @return the line said, or null when nothing was done
     */
    static String compactIfSparse(DataSource dataSource, long minBytes) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        try {
            if (!serving(jdbc) || guestSessions(jdbc) > 0) {
                return null;
            }
            java.util.Map<String, String> info = new java.util.HashMap<>();
            jdbc.sql("SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN ('info.FILE_SIZE', 'info.FILL_RATE', 'info.CHUNKS_FILL_RATE')")
                .query((rs, i) -> info.put(rs.getString(1), rs.getString(2))).list();
            long size = Long.parseLong(info.getOrDefault("info.FILE_SIZE", "0"));
            // The share of the file in chunks, times the share of those chunks still live: while the file is open, the
            // chunks a job has just made dead are kept (H2's 45 s retention) and only the second share shows them.
            int fill = Integer.parseInt(info.getOrDefault("info.FILL_RATE", "100"))
                * Integer.parseInt(info.getOrDefault("info.CHUNKS_FILL_RATE", "100")) / 100;
            if (size < minBytes || fill >= COMPACT_BELOW_FILL_PERCENT) {
                return null;
            }
            String file = jdbc.sql("SELECT DATABASE_PATH()").query(String.class).single() + ".mv.db";
            long t0 = System.nanoTime();
            try {
                jdbc.sql("SHUTDOWN COMPACT").update();
            } catch (org.springframework.dao.DataAccessException closedUnderIt) {
                // H2 may answer the shutdown on the session it has just closed
            }
            long after = java.nio.file.Files.size(java.nio.file.Path.of(file));
            String line = String.format(java.util.Locale.ROOT,
                "[slidebatch] job repository compacted: %.1f MB (%d %% in use) -> %.1f MB in %.1f s",
                size / 1e6, fill, after / 1e6, (System.nanoTime() - t0) / 1e9);
            System.out.println(line);
            return line;
        } catch (RuntimeException | java.io.IOException e) {
            System.err.println("[slidebatch] could not compact the job repository: " + e.getMessage());
            return null;
        }
    }

    /** Blocks while this process serves the repository to other processes whose jobs still run; says so once. */
    static void awaitGuests(DataSource dataSource, PassportStore passports) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        boolean told = false;
        try {
            if (!serving(jdbc)) {
                return;
            }
            while (guestSessions(jdbc) > 0) {
                List<Long> jobs = guestJobs(jdbc, passports);
                if (jobs.isEmpty()) {
                    return;
                }
                if (!told) {
                    System.out.println("[slidebatch] this process serves the workspace's job repository to other processes; "
                        + "waiting for their running job executions " + jobs + " to end before exiting (interrupting now "
                        + "would fail their current step; `slidebatch restart` would then continue it)");
                    told = true;
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The repository is going away anyway: a failed look must not turn a finished command into an error.
            System.err.println("[slidebatch] could not check for other processes using the job repository: " + e.getMessage());
        }
    }
}
