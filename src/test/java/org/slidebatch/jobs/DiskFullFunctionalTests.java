package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.RepositoryQueries;
import org.slidebatch.support.TestCohorts;

/**
 * A full disk, then a read-only one, in the middle of a per-slide step: the segmentation outputs ({@code tissue/})
 * live on a small tmpfs this test mounts (it needs root and mount permission, as in this project's containers;
 * without them it is skipped saying so). The step fails with a message naming the file and the reason, nothing
 * half-written is left under a real name or recorded as done, and a restart once space is freed (then once the file
 * system is writable again) completes with outputs byte-identical to an uninterrupted run's.
 */
class DiskFullFunctionalTests {

    static final int SLIDES = 6;
    static final Duration LONG = Duration.ofMinutes(4);

    @TempDir
    static Path tmp;
    static Path cohort;
    static final List<Path> mounts = new ArrayList<>();

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        Path probe = Files.createDirectories(tmp.resolve("probe"));
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.toString()) == 0
                && sh("umount", probe.toString()) == 0,
            "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN): the disk-full test needs a small file system of its own");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 29);
    }

    @AfterAll
    static void unmount() throws Exception {
        for (Path m : mounts) {
            sh("umount", "-l", m.toString());
        }
    }

    static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    static String[] segment(Path ws) {
        return new String[] {"--workspace", ws.toString(), "run", "segment", "--param", "roots=" + cohort,
            "--param", "preset=clam-tcga", "--param", "a_t=0", "--param", "workers=1", "--param", "qc_policy=none"};
    }

    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void aFullDiskThenAReadOnlyOneFailTheStepNamingTheFileAndRestartsCompleteIdentically() throws Exception {
        Path clean = tmp.resolve("ws-clean");
        CliProcess ref = CliProcess.run(LONG, segment(clean));
        assertThat(ref.exitCode()).as(ref.output()).isZero();
        Map<String, byte[]> expected = files(clean.resolve("tissue"));
        assertThat(expected).hasSize(2 * SLIDES);

        // tissue/ on a 1 MiB tmpfs, filled but for room for about half the slides' outputs (tmpfs counts 4 KiB pages).
        Path ws = tmp.resolve("ws");
        Path tissue = Files.createDirectories(ws.resolve("tissue"));
        assertThat(sh("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", tissue.toString())).isZero();
        mounts.add(tissue);
        long pages = expected.values().stream().mapToLong(b -> (b.length + 4095) / 4096).sum();
        long room = (pages / 2) * 4096;
        Path filler = tissue.resolve("filler.bin");
        Files.write(filler, new byte[(int) (1024 * 1024 - room)]);

        CliProcess full = CliProcess.run(LONG, segment(ws));
        assertThat(full.exitCode()).as(full.output()).isEqualTo(1);
        assertThat(full.output()).containsPattern("cannot write the outputs of \\S+: the workspace's storage failed \\("
            + java.util.regex.Pattern.quote(tissue.toString()) + "/\\S+\\.(png|geojson): cannot write: No space left on device\\)");
        RepositoryQueries db = new RepositoryQueries(ws);
        assertThat(db.executionStatuses("segment")).containsExactly("FAILED");
        checkNothingHalfWritten(db, tissue, expected);
        long doneBefore = db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'segment'");
        assertThat(doneBefore).isLessThan(SLIDES);
        long execution = db.executionIds("segment").getFirst();

        // Space freed, but the file system now read-only: the restart fails the same clear way.
        Files.delete(filler);
        assertThat(sh("mount", "-o", "remount,ro", tissue.toString())).isZero();
        CliProcess readOnly = CliProcess.run(LONG, "--workspace", ws.toString(), "restart", Long.toString(execution));
        assertThat(readOnly.exitCode()).as(readOnly.output()).isEqualTo(1);
        assertThat(readOnly.output()).containsPattern(java.util.regex.Pattern.quote(tissue.toString())
            + "/\\S+\\.(png|geojson): cannot write: Read-only file system");
        checkNothingHalfWritten(db, tissue, expected);

        // Writable again: the restart completes, every output equal to the uninterrupted run's, every slide once.
        assertThat(sh("mount", "-o", "remount,rw", tissue.toString())).isZero();
        long last = db.executionIds("segment").getLast();
        CliProcess again = CliProcess.run(LONG, "--workspace", ws.toString(), "restart", Long.toString(last));
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(db.executionStatuses("segment")).containsExactly("FAILED", "FAILED", "COMPLETED");
        Map<String, byte[]> got = files(tissue);
        assertThat(got.keySet()).isEqualTo(expected.keySet());
        for (String name : expected.keySet()) {
            assertThat(got.get(name)).as(name).isEqualTo(expected.get(name));
        }
        assertThat(db.strings("SELECT status FROM slide_step_status WHERE step_name = 'segment'"))
            .hasSize(SLIDES).containsOnly("done");
        assertThat(db.count("SELECT COUNT(*) FROM tissue_segmentation WHERE is_current")).isEqualTo(SLIDES);
    }

    /** Every file under its real name is whole (equal to the reference), no temporary is left, done means both files. */
    static void checkNothingHalfWritten(RepositoryQueries db, Path tissue, Map<String, byte[]> expected) throws IOException {
        Map<String, byte[]> now = files(tissue);
        now.remove("filler.bin");
        try (Stream<Path> s = Files.list(tissue)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp") || n.startsWith("."))).isEmpty();
        }
        for (var e : now.entrySet()) {
            assertThat(e.getValue()).as(e.getKey() + " is whole").isEqualTo(expected.get(e.getKey()));
        }
        for (String slide : db.strings("SELECT slide_id FROM slide_step_status WHERE step_name = 'segment'")) {
            assertThat(now).as(slide + " is recorded done").containsKeys(slide + ".geojson", slide + ".png");
        }
    }
}
