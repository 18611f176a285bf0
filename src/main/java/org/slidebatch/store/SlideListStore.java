package org.slidebatch.store;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@code step_slide_list} table: the slide list a partitioned step froze, read back by index range. */
public class SlideListStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    public SlideListStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.template = new JdbcTemplate(dataSource);
    }

    public void freeze(long listId, List<String> slideIds) {
        jdbc.sql("DELETE FROM step_slide_list WHERE list_id = ?").param(listId).update();
        List<Object[]> rows = new java.util.ArrayList<>(slideIds.size());
        for (int i = 0; i < slideIds.size(); i++) {
            rows.add(new Object[] {listId, i, slideIds.get(i)});
        }
        template.batchUpdate("INSERT INTO step_slide_list (list_id, idx, slide_id) VALUES (?,?,?)", rows);
    }

    /** Slides {@code from} (inclusive) to {@code to} (exclusive) of a frozen list, in order. */
    public List<String> range(long listId, int from, int to) {
        return jdbc.sql("SELECT slide_id FROM step_slide_list WHERE list_id = ? AND idx >= ? AND idx < ? ORDER BY idx")
            .param(listId).param(from).param(to).query(String.class).list();
    }
}
