package org.slidebatch.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.jerolba.carpet.CarpetWriter;
import com.jerolba.carpet.ColumnNamingStrategy;

import org.slidebatch.batch.PassportListener;
import org.slidebatch.batch.PerSlideSteps;
import org.slidebatch.batch.SlideOutcome;
import org.slidebatch.batch.SlideOutputs;
import org.slidebatch.batch.SlideResult;
import org.slidebatch.batch.SlideWork;
import org.slidebatch.model.Npy;
import org.slidebatch.model.mil.SlideEmbedder;
import org.slidebatch.model.train.StepSeeds;
import org.slidebatch.pretrain.PretrainStepConfiguration;
import org.slidebatch.pretrain.SlideTokenStore;
import org.slidebatch.pretrain.SlideTokens;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.TrainingStore;
import org.slidebatch.workspace.AtomicFiles;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Steps {@code embed} (OpenSlideFM NB08, bugs fixed: positions of the sampled rows, skip-if-embedded keyed by the
 * checkpoint's SHA-256, no mean-of-tiles fallback) and {@code embed.export}: the student's {@code g_proj} in eval mode
 * for every slide with features at both scales → {@code embeddings/<tag>/<slide_id>.npy} (768 float32), one
 * {@code slide_embedding} row per slide, then {@code embeddings/<tag>/slide_embeddings.parquet}.
 */
@Configuration(proxyBeanMethods = false)
public class EmbedStepConfiguration {

    public static final String STEP = "embed";
    public static final String EXPORT_STEP = "embed.export";
    public static final String STAGE_FOLDER = "embeddings";
    /** Seed purpose of a slide's token subset (only used when a scale has more tokens than its budget). */
    static final long SUBSET = 0x454d424544L;

    @Bean(destroyMethod = "close")
    EmbedderHolder embedderHolder() {
        return new EmbedderHolder();
    }

    @Bean
    Step embedStep(PerSlideSteps steps, TrainingStore store, Workspace workspace, EmbedderHolder embedders) {
        return steps.build(STEP, STAGE_FOLDER, p -> new EmbedWork(workspace, store, embedders, EmbedParameters.from(p), p));
    }

    @Bean
    Step embedExportStep(JobRepository repo, PlatformTransactionManager tx, TrainingStore store, PassportStore passports,
                         Workspace workspace) {
        return new StepBuilder(EXPORT_STEP, repo)
            .tasklet((contribution, chunk) -> {
                EmbedParameters ep = EmbedParameters.from(contribution.getStepExecution().getJobParameters());
                List<TrainingStore.EmbeddingRow> rows = store.findEmbeddings(ep.tag());
                Path out = workspace.stage(STAGE_FOLDER).resolve(ep.tag()).resolve("slide_embeddings.parquet");
                writeParquet(out, rows);
                contribution.incrementWriteCount(rows.size());
                contribution.getStepExecution().getExecutionContext().putString(PassportListener.NOTES,
                    rows.size() + " slide embeddings → " + out);
                System.out.printf(Locale.ROOT, "[%s] %d slide embeddings → %s%n", EXPORT_STEP, rows.size(), out);
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    /** One Parquet row: the table's columns and the 768 values as a list column. */
    public record EmbeddingParquetRow(String slideId, String checkpointSha256, int tokens0p5, int tokens2p0, double norm,
                                      List<Float> embedding) {
    }

    static void writeParquet(Path out, List<TrainingStore.EmbeddingRow> rows) throws IOException {
        List<EmbeddingParquetRow> records = new ArrayList<>();
        for (TrainingStore.EmbeddingRow r : rows) {
            float[] e = Npy.read(Path.of(r.path()));
            List<Float> values = new ArrayList<>(e.length);
            for (float v : e) {
                values.add(v);
            }
            records.add(new EmbeddingParquetRow(r.slideId(), r.checkpointSha256(), r.tokens05(), r.tokens20(), r.norm(), values));
        }
        AtomicFiles.write(out, os -> {
            try (CarpetWriter<EmbeddingParquetRow> w = new CarpetWriter.Builder<>(os, EmbeddingParquetRow.class)
                .withColumnNamingStrategy(ColumnNamingStrategy.SNAKE_CASE).build()) {
                w.write(records);
            }
        });
    }

    /**
     * The weights embed uses: {@code aggregator_weights=FILE}, else the student of the pretrain run of these parameters
     * (phase 2's when phases include 2).
     */
    static Path weights(Workspace workspace, EmbedParameters ep, JobParameters jp) throws IOException {
        if (ep.weights() != null) {
            return ep.weights();
        }
        Path student = PretrainStepConfiguration.studentFile(workspace, jp);
        if (!Files.isRegularFile(student)) {
            throw new IllegalStateException("no aggregator checkpoint: " + student + " does not exist (run the pretrain "
                + "step first with the same parameters, or give aggregator_weights=FILE); embed never falls back to mean features");
        }
        return student;
    }

    /** The aggregator of the running job, opened once per JVM and checkpoint; calls are serialised. */
    static final class EmbedderHolder implements AutoCloseable {

        private SlideEmbedder embedder;

        synchronized SlideEmbedder get(Path weights, int heads) {
            if (embedder == null || !embedder.file().equals(weights.toAbsolutePath())) {
                close();
                embedder = SlideEmbedder.open(weights, heads);
            }
            return embedder;
        }

        /**
         * On {@code threads} intra-op threads, set on the calling thread each time: libtorch keeps the count per thread
         * and reductions split by it, so a slide embedded on another pool thread (or after training changed the count)
         * would differ in the last bits.
         */
        synchronized float[] embed(SlideEmbedder emb, SlideTokens t, int threads) {
            org.slidebatch.model.DjlRuntime.setIntraOpThreads(threads);
            return emb.embed(t.features(), t.positions(), t.tokens());
        }

        @Override
        public synchronized void close() {
            if (embedder != null) {
                embedder.close();
                embedder = null;
            }
        }
    }

    /** One slide's embedding, computed; written (file, then row) by the step's writer. */
    record Embedding(float[] values, String checkpointSha256, int tokens05, int tokens20, Path file) {
    }

    /** The embedding of one slide; {@code ep} parsed once per partition step execution. */
    record EmbedWork(Workspace workspace, TrainingStore store, EmbedderHolder embedders, EmbedParameters ep, JobParameters p)
        implements SlideWork<Embedding> {

        @Override
        public SlideResult<Embedding> compute(SlideRecord slide) throws Exception {
            SlideTokenStore tokens = PretrainStepConfiguration.tokenStore(workspace, ep.pretrain().positions());
            for (double scale : SlideTokenStore.SCALES) {
                if (!Files.isRegularFile(tokens.featuresFile(slide.slideId(), scale))) {
                    return SlideResult.only(SlideOutcome.skipped("no features at " + scale + " µm/px (the embedding needs both scales)"));
                }
            }
            SlideEmbedder emb = embedders.get(weights(workspace, ep, p), ep.pretrain().model().heads());
            Path out = workspace.stage(STAGE_FOLDER).resolve(ep.tag()).resolve(slide.slideId() + ".npy");
            var existing = store.findEmbedding(ep.tag(), slide.slideId());
            if (existing.isPresent() && existing.get().checkpointSha256().equals(emb.sha256()) && Files.isRegularFile(out)) {
                return SlideResult.only(new SlideOutcome(org.slidebatch.store.SlideStepStatus.DONE, "already embedded with this checkpoint"));
            }
            SlideTokens t = tokens.load(slide.slideId(), ep.pretrain().tokenBudget05(), ep.pretrain().tokenBudget20(),
                StepSeeds.random(ep.pretrain().seed(), SUBSET, slide.slideId().hashCode()));
            if (t.dim() != emb.config().dModel()) {
                return SlideResult.only(SlideOutcome.failed(tokens.featuresFile(slide.slideId(), 0.5) + ": " + t.dim()
                    + " feature columns, the aggregator takes " + emb.config().dModel()));
            }
            int threads = org.slidebatch.model.train.TrainThreads.resolve(ep.pretrain().threads(), null);
            return SlideResult.write(new Embedding(embedders.embed(emb, t, threads), emb.sha256(), t.tokens05(), t.tokens20(), out));
        }

        @Override
        public void write(SlideRecord slide, Embedding e, SlideOutputs outputs) throws IOException {
            double norm = 0;
            for (float v : e.values()) {
                norm += (double) v * v;
            }
            outputs.file(e.file(), f -> Npy.writeFloat32(f, e.values(), e.values().length));
            store.saveEmbedding(new TrainingStore.EmbeddingRow(ep.tag(), slide.slideId(), e.checkpointSha256(), e.tokens05(),
                e.tokens20(), Math.sqrt(norm), e.file().toString(), outputs.stepExecutionId(), Instant.now()));
        }
    }
}
