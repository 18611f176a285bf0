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
        assertThat(jdbc.sql("SELECT COUNT(*) FROM chunk").query(Integer.class).single()).isEqualTo(20);
        // Now dense: compacting again is not worth it.
        assertThat(EmbeddedRepositoryHost.compactIfSparse(ds, 1L << 20)).isNull();
    }
}
