package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.support.CliProcess;

/**
 * The default run's twin of the heavy training crash tests (PretrainCrashRestartTests, Phase2CrashRestartTests,
 * GradeCrashRestartTests): a small phase 1 trained uninterrupted in one JVM, and the same training killed with
 * SIGKILL after its first checkpoint in another, then resumed in a third JVM that sees one core
 * ({@code -XX:ActiveProcessorCount=1}) where the first two saw the machine's: with {@code threads=0} ("all cores")
 * the resumed run must still train on the count the training started with (recorded in its checkpoints), and its
 * student weights and final checkpoint equal the uninterrupted run's to the byte.
 */
class Phase1CrossProcessTests {

    static final Duration LONG = Duration.ofMinutes(4);

    @TempDir
    Path tmp;

    @Test
    void killMinus9ThenResumeInAProcessWithOtherCoresGivesTheUninterruptedBytes() throws Exception {
        Path clean = tmp.resolve("uninterrupted");
        CliProcess a = CliProcess.java(List.of("-Xmx512m"), Phase1Child.class.getName(), clean.toString(), "0");
        assertThat(a.waitFor(LONG)).as(a.output()).isZero();

        Path crashed = tmp.resolve("crashed");
        try (CliProcess b = CliProcess.java(List.of("-Xmx512m"), Phase1Child.class.getName(), crashed.toString(), "0")) {
            b.awaitLine(l -> l.equals("checkpoint 2"), LONG);
            b.kill9();
            assertThat(b.output()).doesNotContain("student ");
        }
        CliProcess c = CliProcess.java(List.of("-Xmx512m", "-XX:ActiveProcessorCount=1"), Phase1Child.class.getName(),
            crashed.toString(), "0");
        assertThat(c.waitFor(LONG)).as(c.output()).isZero();
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(c.output()).containsPattern("started at [2-4]\\n").contains("step 6 on " + cores + " threads");
        assertThat(lines(c.output())).isEqualTo(lines(a.output()));
    }

    static List<String> lines(String output) {
        return output.lines().filter(l -> l.startsWith("student ") || l.startsWith("final ")).toList();
    }
}
