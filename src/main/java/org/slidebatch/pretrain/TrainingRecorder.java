package org.slidebatch.pretrain;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.slidebatch.store.TrainingStore;

/**
 * The training record of a phase-1 run (and, through {@link #phase2}, of a phase-2 run in its own folder): every {@code log_every_steps} (and the last step) a row in the database
 * ({@code training_log}), in {@code train_log.csv} and in {@code train_log.jsonl} beside the checkpoints; console
 * progress (step/total, loss, tokens/s, ETA) at most once a second. On resume, rows past the resumed step (written
 * before a crash) are dropped from all three, so the record matches an uninterrupted run's steps.
 */
public final class TrainingRecorder implements Phase1Run.Listener {

    static final String CSV_HEADER = "ts,phase,epoch,step,lr,loss,loss_byol,loss_mfr,tokens_per_s,seconds";

    private final TrainingStore store;
    private final long stepExecutionId;
    private final String runTag;
    private final Path csv;
    private final Path jsonl;
    private final int logEvery;
    private final PrintStream console;
    private final Consumer<Phase1Run.StepRecord> progress;
    private final Consumer<Path> checkpoints;
    private long lastPrint;
    private long startNanos = System.nanoTime();
    private long stepsThisRun;
    private int phase = 1;

    public TrainingRecorder(TrainingStore store, long stepExecutionId, String runTag, Path dir, int logEvery,
                            PrintStream console, Consumer<Phase1Run.StepRecord> progress, Consumer<Path> checkpoints) {
        this.store = store;
        this.stepExecutionId = stepExecutionId;
        this.runTag = runTag;
        this.csv = dir.resolve("train_log.csv");
        this.jsonl = dir.resolve("train_log.jsonl");
        this.logEvery = logEvery;
        this.console = console;
        this.progress = progress;
        this.checkpoints = checkpoints;
    }

    /** A fresh run (step 0) or a resumed one: rows past {@code step} are dropped. */
    @Override
    public void started(Path checkpoint, long step) {
        store.deleteLogAfter(runTag, phase, step);
        truncate(csv, step, true);
        truncate(jsonl, step, false);
        if (checkpoint != null) {
            console.printf(Locale.ROOT, "[pretrain] resuming from %s (step %d)%n", checkpoint.getFileName(), step);
        }
    }

    @Override
    public void step(Phase1Run.StepRecord r) {
        stepsThisRun++;
        if (!r.skipped().isEmpty()) {
            console.println("[pretrain] step " + r.step() + ": skipped " + String.join("; ", r.skipped()));
        }
        progress.accept(r);
        boolean logged = r.losses() != null && (r.step() % logEvery == 0 || r.step() == r.totalSteps());
        if (logged) {
            Instant now = Instant.now();
            store.saveLog(new TrainingStore.LogRow(stepExecutionId, runTag, phase, r.epoch(), r.step(), r.lr(), r.losses().loss(),
                r.losses().byol(), r.losses().mfr(), r.tokensPerSecond(), r.seconds(), now));
            append(csv, String.format(Locale.ROOT, "%s,%d,%d,%d,%.9g,%.9g,%.9g,%.9g,%.3f,%.4f", now, phase, r.epoch(), r.step(), r.lr(),
                r.losses().loss(), r.losses().byol(), r.losses().mfr(), r.tokensPerSecond(), r.seconds()), CSV_HEADER);
            append(jsonl, String.format(Locale.ROOT, "{\"phase\":%d,\"epoch\":%d,\"step\":%d,\"lr\":%.9g,\"loss\":%.9g,"
                + "\"loss_byol\":%.9g,\"loss_mfr\":%.9g,\"tps\":%.3f,\"seconds\":%.4f,\"ts\":\"%s\"}", phase, r.epoch(), r.step(), r.lr(),
                r.losses().loss(), r.losses().byol(), r.losses().mfr(), r.tokensPerSecond(), r.seconds(), now), null);
        }
        long now = System.nanoTime();
        if (logged || now - lastPrint > 1_000_000_000L || r.step() == r.totalSteps()) {
            lastPrint = now;
            double elapsed = (now - startNanos) / 1e9;
            double rate = elapsed > 0 ? stepsThisRun / elapsed : 0;
            long eta = rate > 0 ? Math.round((r.totalSteps() - r.step()) / rate) : -1;
            // phase 1's line stays "[pretrain] <step>/<total> …" (what the crash tests wait for); phase 2's says so
            console.printf(Locale.ROOT, "[pretrain] %s%d/%d steps (epoch %d), loss %s, lr %.3g, %.0f %s/s, ETA %s%n",
                phase == 1 ? "" : "phase " + phase + ": ", r.step(), r.totalSteps(), r.epoch(), r.losses() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.losses().loss()),
                r.lr(), r.tokensPerSecond(), phase == 1 ? "tokens" : "tiles", eta < 0 ? "?" : eta + " s");
        }
        org.slidebatch.workspace.CrashPoints.reach("train-step", "phase" + phase + "/" + r.step());
    }

    @Override
    public void checkpoint(Path file, long step) {
        checkpoints.accept(file);
    }

    /**
     * Phase 2's listener: rows with phase 2 (loss, BYOL, MFR; the tokens/s column holds tiles/s) in the database
     * under the same run tag and in this recorder's folder (the phase-2 folder), the same console progress. Call
     * {@link Phase2Run.Listener#resumed} with step 0 before a fresh run so rows of a crashed attempt are dropped.
     */
    public Phase2Run.Listener phase2() {
        phase = 2;
        return new Phase2Run.Listener() {
            @Override
            public void resumed(Path checkpoint, long step) {
                started(checkpoint, step);
            }

            @Override
            public void step(Phase2Run.StepRecord r) {
                Phase2Step.StepLosses l = r.losses();
                TrainingRecorder.this.step(new Phase1Run.StepRecord(r.epoch(), r.step(), r.totalSteps(), r.lr(),
                    l == null ? null : new ByolMfrTrainer.StepLosses(l.loss(), l.byol(), l.mfr()), r.tiles(), r.seconds(),
                    r.skipped()));
            }

            @Override
            public void checkpoint(Path file, long step) {
                checkpoints.accept(file);
            }
        };
    }

    private static void append(Path file, String line, String header) {
        try {
            Files.createDirectories(file.getParent());
            if (header != null && !Files.exists(file)) {
                Files.writeString(file, header + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the header and the rows with step ≤ {@code step} (rewritten atomically). */
    private static void truncate(Path file, long step, boolean csv) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            List<String> keep = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                long s = csv ? csvStep(line) : jsonStep(line);
                if (s < 0 ? csv && line.startsWith("ts,") : s <= step) {
                    keep.add(line);
                }
            }
            org.slidebatch.workspace.AtomicFiles.writeString(file, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file + ": " + e.getMessage(), e);
        }
    }

    private static long csvStep(String line) {
        String[] f = line.split(",");
        try {
            return f.length > 3 ? Long.parseLong(f[3]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long jsonStep(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"step\":(\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
