package org.slidebatch.batch;

import java.io.PrintStream;
import java.util.Locale;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * Console and database progress for long steps: slides done / total, rate, ETA. The figures go into the step
 * execution context, which Spring Batch saves with every chunk, so {@code slidebatch show} reads them live.
 */
public class ProgressListener implements StepExecutionListener, ItemWriteListener<Object> {

    private final ProgressSource source;
    private final String unit;
    private final PrintStream console;
    private StepExecution stepExecution;
    private long startNanos;
    private int doneAtStart;
    private long lastPrint;

    public ProgressListener(ProgressSource source, String unit, PrintStream console) {
        this.source = source;
        this.unit = unit;
        this.console = console;
    }

    @Override
    public void beforeStep(StepExecution se) {
        this.stepExecution = se;
        this.startNanos = System.nanoTime();
        this.doneAtStart = -1;
        this.lastPrint = 0;
    }

    @Override
    public void afterWrite(Chunk<?> items) {
        if (doneAtStart < 0) {
            // The first chunk of this execution (after a restart the reader starts past earlier work).
            doneAtStart = Math.max(0, source.done() - items.size());
        }
        report(false);
    }

    @Override
    public ExitStatus afterStep(StepExecution se) {
        report(true);
        return se.getExitStatus();
    }

    private void report(boolean last) {
        if (stepExecution == null) {
            return;
        }
        int done = source.done();
        int total = source.total();
        if (doneAtStart < 0) {
            doneAtStart = done; // nothing written in this execution
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - doneAtStart) / seconds : 0;
        long eta = rate > 0 && total >= 0 ? Math.round((total - done) / rate) : -1;
        var ctx = stepExecution.getExecutionContext();
        ctx.putInt("progress.done", done);
        ctx.putInt("progress.total", total);
        ctx.putDouble("progress.rate", rate);
        ctx.putLong("progress.eta_seconds", eta);
        long now = System.nanoTime();
        if (last || now - lastPrint > 1_000_000_000L) {
            lastPrint = now;
            console.println(String.format(Locale.ROOT, "[%s] %d/%s %s (%.1f%%), %.2f %s/s, ETA %s",
                stepExecution.getStepName(), done, total < 0 ? "?" : Integer.toString(total), unit,
                total > 0 ? 100.0 * done / total : 0.0, rate, unit, eta < 0 ? "?" : formatDuration(eta)));
        }
    }

    static String formatDuration(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
    }
}
