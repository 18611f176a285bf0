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
