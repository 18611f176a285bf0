package org.slidebatch.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process-level restart scenario every crash test shares: run {@code slidebatch ARGS} in its own JVM with slowed
 * items, SIGKILL it once a progress line of {@code step} reaches {@code after} slides, check the execution was left
 * STARTED, then {@code slidebatch restart ID} and check it ends COMPLETED with the killed execution marked FAILED.
 */
public final class CrashRestart {

    private CrashRestart() {
    }

    /** @return queries on the workspace, and the slides the step had committed before the kill */
    public static Result killThenRestart(Path workspace, String job, String step, int after, long itemDelayMs,
                                         Duration timeout, String... args) throws Exception {
        Pattern progress = Pattern.compile("\\[" + Pattern.quote(step) + "(?:\\.slides:partition\\d+)?] (\\d+)/");
        try (CliProcess first = CliProcess.start(itemDelayMs, args)) {
            first.awaitLine(l -> {
                Matcher m = progress.matcher(l);
                return m.find() && Integer.parseInt(m.group(1)) >= after;
            }, timeout);
            first.kill9();
        }
        RepositoryQueries db = new RepositoryQueries(workspace);
        assertThat(db.executionStatuses(job)).containsExactly("STARTED");
        long committed = db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = '" + step + "'");
        long execution = db.executionIds(job).getFirst();
        CliProcess restart = CliProcess.run(timeout, "--workspace", workspace.toString(), "restart", Long.toString(execution));
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(restart.output()).contains("which is gone").contains("finished: COMPLETED");
        assertThat(db.executionStatuses(job)).containsExactly("FAILED", "COMPLETED");
        return new Result(db, committed);
    }

    public record Result(RepositoryQueries db, long committedBeforeRestart) {

        /** Σ write counts of every execution of a partitioned step's workers: each slide committed exactly once. */
        public long partitionWrites(String step) {
            return db.count("SELECT COALESCE(SUM(WRITE_COUNT), 0) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE '"
                + step + ".slides:partition%'");
        }
    }
}
