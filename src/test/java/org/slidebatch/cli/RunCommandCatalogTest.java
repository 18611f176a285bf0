package org.slidebatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.jobs.JobCatalog;

/** Planned stages answer "not implemented" (exit 1), unknown names are a usage error (exit 2) that lists both kinds. */
class RunCommandCatalogTest {

    @TempDir
    Path tmp;

    record Outcome(int exit, String err) {
    }

    Outcome run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = SlidebatchMain.execute(args);
            return new Outcome(exit, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void plannedJobsSayNotImplemented() {
        // every job of SPEC §9 is built today; the message is checked for any job planned later
        assertThat(JobCatalog.planned()).isEmpty();
        for (String job : JobCatalog.planned()) {
            Outcome o = run("--workspace", tmp.toString(), "run", job);
            assertThat(o.exit()).isEqualTo(1);
            assertThat(o.err()).startsWith("slidebatch: job '" + job + "' is not implemented yet (");
        }
        assertThat(tmp.resolve("db")).doesNotExist(); // refused before any database or workspace file
    }

    @Test
    void unknownJobIsAUsageErrorListingWhatExists() {
        Outcome o = run("--workspace", tmp.toString(), "run", "pretrian");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("slidebatch: unknown job 'pretrian'; jobs are manifest, qc, segment, tile, grid, "
            + "features, openslidefm, gpfm, pretrain, diagnostics, evaluate, grade, report"
            + (JobCatalog.planned().isEmpty() ? "" : "; planned, not implemented yet: " + String.join(", ", JobCatalog.planned())));
    }
}
