package org.slidebatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.repository.dao.DefaultExecutionContextSerializer;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class RunHistoryStoreTest {

    final RunHistoryStore store = new RunHistoryStore(new DriverManagerDataSource("jdbc:h2:mem:runhistory"));

    @Test
    void onlySelectsPass() {
        assertThatThrownBy(() -> store.select("DELETE FROM slide")).hasMessageContaining("the dashboard only reads");
        assertThatThrownBy(() -> store.select("  update slide set status = 'x'")).hasMessageContaining("the dashboard only reads");
        assertThatThrownBy(() -> store.select("SELECT 1; DROP TABLE slide")).hasMessageContaining("the dashboard only reads");
        assertThat(store.select("SELECT 1").query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void progressIsReadFromTheSerializedStepContext() throws Exception {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("progress.done", 7);
        ctx.put("progress.total", 9);
        ctx.put("other", "x");
        var out = new java.io.ByteArrayOutputStream();
        new DefaultExecutionContextSerializer().serialize(ctx, out);
        Map<String, Object> p = RunHistoryStore.progress(out.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(p).containsExactlyInAnyOrderEntriesOf(Map.of("done", 7, "total", 9));
        assertThat(RunHistoryStore.progress(Base64.getEncoder().encodeToString("junk".getBytes()))).containsKey("unreadable");
    }
}
