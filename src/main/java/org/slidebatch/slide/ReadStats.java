package org.slidebatch.slide;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of how region reads were served: by our JPEG tile decoder, or by OpenSlide and why. One instance per
 * {@link JpegTileReader}, and one for the whole JVM ({@link #global()}) that passports and benchmarks report.
 * A reason is a short fixed phrase (never a coordinate), so the map stays small.
 */
public final class ReadStats {

    private static final ReadStats GLOBAL = new ReadStats(null);

    private final ReadStats parent;
    private final LongAdder fastReads = new LongAdder();
    private final LongAdder tilesDecoded = new LongAdder();
    private final LongAdder tileCacheHits = new LongAdder();
    private final Map<String, LongAdder> fallbackReads = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> openslideSlides = new ConcurrentHashMap<>();

    ReadStats(ReadStats parent) {
        this.parent = parent;
    }

    /** A fresh counter that also adds to the JVM-wide one. */
    static ReadStats newChild() {
        return new ReadStats(GLOBAL);
    }

    /** Every read in this JVM since start. */
    public static ReadStats global() {
        return GLOBAL;
    }

    void fastRead() {
        fastReads.increment();
        if (parent != null) {
            parent.fastRead();
        }
    }

    void tileDecoded() {
        tilesDecoded.increment();
        if (parent != null) {
            parent.tileDecoded();
        }
    }

    void tileCacheHit() {
        tileCacheHits.increment();
        if (parent != null) {
            parent.tileCacheHit();
        }
    }

    /** One read served by OpenSlide instead, and why. */
    void fallbackRead(String reason) {
        fallbackReads.computeIfAbsent(reason, k -> new LongAdder()).increment();
        if (parent != null) {
            parent.fallbackRead(reason);
        }
    }

    /** A whole slide that {@code reader=auto} gave to OpenSlide, and why. */
    void openslideSlide(String reason) {
        openslideSlides.computeIfAbsent(reason, k -> new LongAdder()).increment();
        if (parent != null) {
            parent.openslideSlide(reason);
        }
    }

    public Snapshot snapshot() {
        return new Snapshot(fastReads.sum(), tilesDecoded.sum(), tileCacheHits.sum(), sums(fallbackReads), sums(openslideSlides));
    }

    private static Map<String, Long> sums(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return Map.copyOf(out);
    }

    /**
     * Counts at one moment.
     * @param fallbackReads reads the fast reader handed to OpenSlide, by reason
     * @param openslideSlides slides {@code reader=auto} opened with OpenSlide alone, by reason
     */
    public record Snapshot(long fastReads, long tilesDecoded, long tileCacheHits, Map<String, Long> fallbackReads,
                           Map<String, Long> openslideSlides) {

        public long fallbackReadCount() {
            return fallbackReads.values().stream().mapToLong(Long::longValue).sum();
        }

        /** What happened between {@code earlier} and this snapshot. */
        public Snapshot minus(Snapshot earlier) {
            return new Snapshot(fastReads - earlier.fastReads, tilesDecoded - earlier.tilesDecoded,
                tileCacheHits - earlier.tileCacheHits, diff(fallbackReads, earlier.fallbackReads),
                diff(openslideSlides, earlier.openslideSlides));
        }

        private static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> before) {
            Map<String, Long> out = new TreeMap<>();
            now.forEach((k, v) -> {
                long d = v - before.getOrDefault(k, 0L);
                if (d != 0) {
                    out.put(k, d);
                }
            });
            return Map.copyOf(out);
        }

        public boolean isEmpty() {
            return fastReads == 0 && fallbackReads.isEmpty() && openslideSlides.isEmpty();
        }

        /** One line for passports and benchmark output. */
        public String describe() {
            StringBuilder sb = new StringBuilder("reads: fast ").append(fastReads)
                .append(" (tiles decoded ").append(tilesDecoded).append(", cache hits ").append(tileCacheHits).append(')')
                .append(", openslide fallback ").append(fallbackReadCount());
            if (!fallbackReads.isEmpty()) {
                sb.append(' ').append(new TreeMap<>(fallbackReads));
            }
            if (!openslideSlides.isEmpty()) {
                sb.append("; slides read by openslide alone ").append(new TreeMap<>(openslideSlides));
            }
            return sb.toString();
        }
    }
}
