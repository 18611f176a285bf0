package org.slidebatch.diagnostics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slidebatch.store.DiagnosticsStore.LoggedLoss;

/**
 * Gate G2 (NB06C "loss improvement") on our own training-log rows. NB06C's rule: with {@code n} logged rows (n &gt; 3),
 * the median of the first {@code max(3, n // 10)} losses against the median of the last as many;
 * {@code rel_impr = (start − end) / start}; PASS at ≥ 0.60, WARN at ≥ 0.30 or when no trend can be computed, FAIL
 * below. The original reads a CSV that never receives rows, so its G2 is always WARN; ours reads the database.
 *
 * <p>A restarted training logs some steps twice (rows written after the last checkpoint of the failed execution are
 * logged again by the restart): the later row of a (phase, step) wins, so each step counts once.
 */
public record LossTrend(int logRows, long stepsLogged, double startMedian, double endMedian, double relImprovement) {

    public static final double PASS_AT = 0.60;
    public static final double WARN_AT = 0.30;
    public static final String GATE = "G2_loss_improvement";

    /** Rows in any order of recording: deduplicated by (phase, step), later recording wins, then ordered by step. */
    public static LossTrend of(List<LoggedLoss> rows) {
        Map<String, LoggedLoss> byStep = new LinkedHashMap<>();
        rows.stream()
            .sorted(Comparator.comparing(LoggedLoss::recordedAt).thenComparingLong(LoggedLoss::stepExecutionId))
            .forEach(r -> byStep.put(r.phase() + ":" + r.step(), r));
        List<LoggedLoss> ordered = new ArrayList<>(byStep.values());
        ordered.sort(Comparator.comparingLong(LoggedLoss::step).thenComparingInt(LoggedLoss::phase));
        int n = ordered.size();
        long steps = ordered.stream().mapToLong(LoggedLoss::step).max().orElse(0);
        double[] losses = ordered.stream().map(LoggedLoss::loss)
            .filter(l -> l != null && !l.isNaN()).mapToDouble(Double::doubleValue).toArray();
        if (n <= 3 || losses.length == 0) {
            return new LossTrend(n, steps, Double.NaN, Double.NaN, Double.NaN);
        }
        int k = Math.max(3, n / 10);
        double start = median(Arrays.copyOfRange(losses, 0, Math.min(k, losses.length)));
        double end = median(Arrays.copyOfRange(losses, Math.max(0, losses.length - k), losses.length));
        double rel = (start - end) / start;
        return new LossTrend(n, steps, start, end, Double.isFinite(rel) ? rel : Double.NaN);
    }

    /** numpy's median: the middle value, or the mean of the two middle values. */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
    }

    public Gate gate() {
        if (Double.isNaN(relImprovement)) {
            return new Gate(GATE, GateStatus.WARN, String.format(Locale.ROOT,
                "loss trend unavailable (%d training-log rows; more than 3 with a loss needed)", logRows), null);
        }
        GateStatus s = relImprovement >= PASS_AT ? GateStatus.PASS : relImprovement >= WARN_AT ? GateStatus.WARN : GateStatus.FAIL;
        return new Gate(GATE, s, String.format(Locale.ROOT,
            "median loss %.4f → %.4f over %d logged rows: relative improvement %.3f (PASS ≥ %.2f, WARN ≥ %.2f)",
            startMedian, endMedian, logRows, relImprovement, PASS_AT, WARN_AT), relImprovement);
    }
}
