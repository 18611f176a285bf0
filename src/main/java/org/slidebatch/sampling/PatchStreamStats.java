package org.slidebatch.sampling;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * wsistream's {@code PipelineStats} (SPEC §5): slides processed (opened with a mask) and failed (open failures and
 * slides blacklisted after a visit that delivered nothing), patches extracted and filtered, read errors, tissue
 * fraction min/mean/max (of the slide masks, and of the delivered patches), per-µm/px counts (rounded to 2
 * decimals, {@code unknown} without), patches/s since the first request. Updated only by the thread that
 * iterates the stream; {@link #toMap()} is a copy.
 */
public final class PatchStreamStats {

    /** Running min/mean/max without storing values. */
    public static final class Running {
        long count;
        double total;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;

        void add(double v) {
            count++;
            total += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }

        public long count() {
            return count;
        }

        public Double mean() {
            return count == 0 ? null : total / count;
        }

        public Double min() {
            return count == 0 ? null : min;
        }

        public Double max() {
            return count == 0 ? null : max;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("min", min());
            m.put("mean", mean());
            m.put("max", max());
            return m;
        }
    }

    long slidesProcessed;
    long slidesFailed;
    long patchesExtracted;
    long patchesFiltered;
    long readErrors;
    long attempts;
    final Running slideTissue = new Running();
    final Running patchTissue = new Running();
    final Map<String, Long> mppCounts = new TreeMap<>();
    final Map<Integer, Long> levelCounts = new TreeMap<>();
    final Map<String, Long> patchesPerSlide = new TreeMap<>();
    final Map<String, String> failures = new LinkedHashMap<>();
    final List<String> blacklisted = new ArrayList<>();
    final Deque<String> recentErrors = new ArrayDeque<>();
    long errorCount;
    long startNanos = -1;
    long lastNanos = -1;

    void start() {
        if (startNanos < 0) {
            startNanos = System.nanoTime();
        }
    }

    void opened(SlideInfo info) {
        slidesProcessed++;
        slideTissue.add(info.maskTissueFraction());
    }

    void slideFailed(String slideId, String reason) {
        slidesFailed++;
        failures.put(slideId, reason);
        error(slideId, reason);
    }

    void blacklisted(String slideId, String reason) {
        blacklisted.add(slideId);
        slideFailed(slideId, reason);
    }

    void readError(String slideId, String message) {
        readErrors++;
        error(slideId, message);
    }

    void error(String slideId, String message) {
        errorCount++;
        recentErrors.addLast(slideId + ": " + message);
        while (recentErrors.size() > 20) {
            recentErrors.removeFirst();
        }
    }

    void extracted(PatchResult r) {
        patchesExtracted++;
        patchTissue.add(r.tissueFraction());
        Double mpp = r.mpp();
        mppCounts.merge(mpp == null ? "unknown" : String.format(Locale.ROOT, "%.2f", mpp), 1L, Long::sum);
        levelCounts.merge(r.level(), 1L, Long::sum);
        patchesPerSlide.merge(r.slideId(), 1L, Long::sum);
        lastNanos = System.nanoTime();
    }

    public long slidesProcessed() {
        return slidesProcessed;
    }

    public long slidesFailed() {
        return slidesFailed;
    }

    public long patchesExtracted() {
        return patchesExtracted;
    }

    public long patchesFiltered() {
        return patchesFiltered;
    }

    public long readErrors() {
        return readErrors;
    }

    public long attempts() {
        return attempts;
    }

    public Running slideTissue() {
        return slideTissue;
    }

    public Running patchTissue() {
        return patchTissue;
    }

    public Map<String, Long> mppCounts() {
        return Map.copyOf(mppCounts);
    }

    public Map<String, Long> patchesPerSlide() {
        return new TreeMap<>(patchesPerSlide);
    }

    /** slide id → the reason of its last failure. */
    public Map<String, String> failures() {
        return new LinkedHashMap<>(failures);
    }

    public List<String> blacklisted() {
        return List.copyOf(blacklisted);
    }

    /** Seconds from the first request to the last delivered patch. */
    public double seconds() {
        if (startNanos < 0 || lastNanos < 0) {
            return 0.0;
        }
        return (lastNanos - startNanos) / 1e9;
    }

    public double patchesPerSecond() {
        double s = seconds();
        return s > 0 ? patchesExtracted / s : 0.0;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slides_processed", slidesProcessed);
        m.put("slides_failed", slidesFailed);
        m.put("patches_extracted", patchesExtracted);
        m.put("patches_filtered", patchesFiltered);
        m.put("read_errors", readErrors);
        m.put("read_attempts", attempts);
        m.put("slide_tissue_fraction", slideTissue.toMap());
        m.put("patch_tissue_fraction", patchTissue.toMap());
        m.put("mpp_counts", new TreeMap<>(mppCounts));
        m.put("level_counts", new TreeMap<>(levelCounts));
        m.put("patches_per_slide", new TreeMap<>(patchesPerSlide));
        m.put("failures", new LinkedHashMap<>(failures));
        m.put("blacklisted", List.copyOf(blacklisted));
        m.put("error_count", errorCount);
        m.put("recent_errors", List.copyOf(recentErrors));
        m.put("seconds", seconds());
        m.put("patches_per_s", patchesPerSecond());
        return m;
    }
}
