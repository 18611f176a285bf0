package org.slidebatch.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Training-log rows of the pretraining and the slide-embedding records. */
public class TrainingStore {

    /** One training-log row. */
    public record LogRow(long stepExecutionId, String runTag, int phase, int epoch, long step, double lr, double loss,
                         double lossByol, double lossMfr, double tokensPerSecond, double seconds, Instant recordedAt) {
    }

    /** One slide embedding. */
    public record EmbeddingRow(String tag, String slideId, String checkpointSha256, int tokens05, int tokens20,
                               double norm, String path, Long stepExecutionId, Instant recordedAt) {
    }

    private final JdbcClient jdbc;

    public TrainingStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    public void saveLog(LogRow r) {
        jdbc.sql("DELETE FROM training_log WHERE run_tag = ? AND phase = ? AND step = ?")
            .params(r.runTag(), r.phase(), r.step()).update();
        jdbc.sql("""
                INSERT INTO training_log (step_execution_id, run_tag, phase, epoch, step, lr, loss, loss_byol, loss_mfr,
                  tokens_per_s, seconds, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""")
            .params(r.stepExecutionId(), r.runTag(), r.phase(), r.epoch(), r.step(), r.lr(), r.loss(), r.lossByol(),
                r.lossMfr(), r.tokensPerSecond(), r.seconds(), SlideStore.ts(r.recordedAt()))
            .update();
    }

    /** A resumed run forgets what was logged after the step it resumes from. */
    public void deleteLogAfter(String runTag, int phase, long step) {
        jdbc.sql("DELETE FROM training_log WHERE run_tag = ? AND phase = ? AND step > ?").params(runTag, phase, step).update();
    }

    public List<LogRow> findLog(String runTag) {
        return jdbc.sql("SELECT * FROM training_log WHERE run_tag = ? ORDER BY phase, step").param(runTag)
            .query((rs, i) -> new LogRow(rs.getLong("step_execution_id"), rs.getString("run_tag"), rs.getInt("phase"),
                rs.getInt("epoch"), rs.getLong("step"), rs.getDouble("lr"), rs.getDouble("loss"), rs.getDouble("loss_byol"),
                rs.getDouble("loss_mfr"), rs.getDouble("tokens_per_s"), rs.getDouble("seconds"),
                SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list();
    }

    public void saveEmbedding(EmbeddingRow r) {
        jdbc.sql("DELETE FROM slide_embedding WHERE tag = ? AND slide_id = ?").params(r.tag(), r.slideId()).update();
        jdbc.sql("""
                INSERT INTO slide_embedding (tag, slide_id, checkpoint_sha256, tokens_0p5, tokens_2p0, norm, path,
                  step_execution_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)""")
            .params(r.tag(), r.slideId(), r.checkpointSha256(), r.tokens05(), r.tokens20(), r.norm(), r.path(),
                r.stepExecutionId(), SlideStore.ts(r.recordedAt()))
            .update();
    }

    public Optional<EmbeddingRow> findEmbedding(String tag, String slideId) {
        return findEmbeddings("WHERE tag = ? AND slide_id = ?", tag, slideId).stream().findFirst();
    }

    public List<EmbeddingRow> findEmbeddings(String tag) {
        return findEmbeddings("WHERE tag = ? ORDER BY slide_id", tag);
    }

    private List<EmbeddingRow> findEmbeddings(String where, Object... args) {
        return jdbc.sql("SELECT * FROM slide_embedding " + where).params(args)
            .query((rs, i) -> new EmbeddingRow(rs.getString("tag"), rs.getString("slide_id"), rs.getString("checkpoint_sha256"),
                rs.getInt("tokens_0p5"), rs.getInt("tokens_2p0"), rs.getDouble("norm"), rs.getString("path"),
                (Long) rs.getObject("step_execution_id", Long.class), SlideStore.instant(rs.getTimestamp("recorded_at"))))
            .list();
    }
}
