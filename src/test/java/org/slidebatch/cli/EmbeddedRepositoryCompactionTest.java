package org.slidebatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** A large, mostly free H2 file is compacted by the process that serves it as it exits; a dense one is left alone. */
class EmbeddedRepositoryCompactionTest {

    @TempDir
    Path dir;

    @Test
    void aSparseFileIsCompactedOnExitAndItsRowsSurvive() throws Exception {
        Path db = dir.resolve("repo");
        var ds = new DriverManagerDataSource("jdbc:h2:file:" + db + ";AUTO_SERVER=TRUE;WRITE_DELAY=1", "sa", "");
        JdbcClient jdbc = JdbcClient.create(ds);
        // One connection held open for the whole test, as the job's pool holds its own: the database stays open
        // between statements, and churns as a long job's chunk commits do.
        try (var held = ds.getConnection()) {
            churn(jdbc);
            Path file = Path.of(db + ".mv.db");
            long before = Files.size(file);
            assertThat(before).isGreaterThan(16L << 20);
            // Not large enough for the threshold given: nothing happens.
            assertThat(EmbeddedRepositoryHost.compactIfSparse(ds, 1L << 40)).isNull();
            String said = EmbeddedRepositoryHost.compactIfSparse(ds, 1L << 20);
            assertThat(said).startsWith("[slidebatch] job repository compacted: ");
            long after = Files.size(file);
            assertThat(after).isLessThan(before / 4);
        }
        assertThat(rows(jdbc)).isEqualTo(expectedRows());
        // Now dense: compacting again is not worth it.
        assertThat(EmbeddedRepositoryHost.compactIfSparse(ds, 1L << 20)).isNull();
    }

    @Test
    void aKillDuringTheCompactionLosesNothing() throws Exception {
        // kill -9 before, during and after H2 rewrites the file (a temporary file, then a rename over it): here the
        // compaction takes about 0.1 s (167 MB, 0.3 MB live), so 0, 30 and 60 ms land in it and 400 ms after it
        for (long delayMs : new long[] {0, 30, 60, 400}) {
            Path db = dir.resolve("killed-" + delayMs).resolve("repo");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Churn.class.getName(), db.toString())
                .redirectErrorStream(true).start();
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = out.readLine()) != null && !line.equals("compacting")) {
                    // churning
                }
                assertThat(line).as("the churning process ended before compacting").isEqualTo("compacting");
                Thread.sleep(delayMs);
                p.destroyForcibly();   // SIGKILL
                p.waitFor();
            }
            var ds = new DriverManagerDataSource("jdbc:h2:file:" + db + ";AUTO_SERVER=TRUE;WRITE_DELAY=1", "sa", "");
            assertThat(rows(JdbcClient.create(ds))).as("killed %d ms into the compaction", delayMs).isEqualTo(expectedRows());
            try (var c = ds.getConnection(); var st = c.createStatement()) {
                st.execute("SHUTDOWN");
            }
        }
    }

    /** Another process: makes a sparse file, says "compacting", and compacts it as a job's exit does. */
    public static final class Churn {
        public static void main(String[] args) throws Exception {
            var ds = new DriverManagerDataSource("jdbc:h2:file:" + args[0] + ";AUTO_SERVER=TRUE;WRITE_DELAY=1", "sa", "");
            try (var held = ds.getConnection()) {
                churn(JdbcClient.create(ds));
                System.out.println("compacting");
                System.out.flush();
                EmbeddedRepositoryHost.compactIfSparse(ds, 1L << 20);
            }
        }
    }

    /** 1,500 rows of 16 kB written one commit each, all but the first 20 deleted, until H2 counts their chunks dead. */
    static void churn(JdbcClient jdbc) throws InterruptedException {
        jdbc.sql("CREATE TABLE chunk (id INT PRIMARY KEY, payload VARBINARY(20000))").update();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 1500; i++) {
            byte[] payload = new byte[16000];
            random.nextBytes(payload);
            jdbc.sql("INSERT INTO chunk VALUES (?, ?)").params(i, payload).update();
        }
        jdbc.sql("DELETE FROM chunk WHERE id >= 20").update();
        // H2's background writer turns the deleted pages into dead chunks within a second or two.
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (jdbc.sql("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CHUNKS_FILL_RATE'")
                   .query(Integer.class).single() >= 50 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static java.util.List<String> rows(JdbcClient jdbc) {
        return jdbc.sql("SELECT id, payload FROM chunk ORDER BY id")
            .query((rs, i) -> rs.getInt(1) + ":" + java.util.HexFormat.of().formatHex(rs.getBytes(2))).list();
    }

    private static java.util.List<String> expectedRows() {
        SplittableRandom random = new SplittableRandom(3);
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] payload = new byte[16000];
            random.nextBytes(payload);
            out.add(i + ":" + java.util.HexFormat.of().formatHex(payload));
        }
        return out;
    }
}
