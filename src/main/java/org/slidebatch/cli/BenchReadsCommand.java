package org.slidebatch.cli;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.JpegTileReader;
import org.slidebatch.slide.ReadStats;
import org.slidebatch.slide.ReaderChoice;
import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.slide.SlideReaders;
import org.slidebatch.workspace.AtomicFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reads", mixinStandardHelpOptions = true,
    description = "size×size RGB region reads at one level: reads/s and megapixels/s (SPEC §10).")
final class BenchReadsCommand implements Callable<Integer> {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** The JIT has settled when it compiled for less than JIT_QUIET_MILLIS during the last JIT_WINDOW_MILLIS. */
    private static final long JIT_WINDOW_MILLIS = 1000;
    private static final long JIT_QUIET_MILLIS = 20;
    private static final long JIT_SETTLE_MAX_MILLIS = 60_000;

    @Option(names = "--slide", required = true)
    Path slide;

    @Option(names = "--size", defaultValue = "512")
    int size;

    @Option(names = "--level", defaultValue = "0")
    int level;

    @Option(names = "--reads", defaultValue = "2000")
    int reads;

    @Option(names = "--threads", defaultValue = "1")
    int threads;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--pattern", defaultValue = "random", description = "random or grid")
    String pattern;

    @Option(names = "--reader", defaultValue = "auto",
        description = "SlideReader: openslide, fast (our JPEG tile decoder) or auto (fast where it applies; default)")
    String reader;

    @Option(names = "--warmup", defaultValue = "20",
        description = "Untimed reads of the first positions by every reading thread first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", paramLabel = "OUT.json")
    Path json;

    @Option(names = "--positions-out", paramLabel = "FILE",
        description = "Write the level-0 x,y of every read (one per line), so a peer reader can repeat the same reads.")
    Path positionsOut;

    @Override
    public Integer call() throws Exception {
        ReaderChoice choice;
        try {
            choice = ReaderChoice.parse(reader);
        } catch (IllegalArgumentException e) {
            throw new CliException("--" + e.getMessage(), 2);
        }
        ReadStats.Snapshot statsBefore = ReadStats.global().snapshot();
        SlideReader opened;
        try {
            opened = SlideReaders.open(slide, choice);
        } catch (org.slidebatch.slide.SlideException e) {
            throw new CliException(e.getMessage(), 1); // names the file and why (e.g. the fast reader does not apply)
        }
        try (SlideReader r = opened) {
            LevelInfo lv = r.level(level);
            double seconds;
            double cpuSeconds;
            Timed timed;
            double jitSettleSeconds = 0;
            List<long[]> positions = positions(lv, size, reads, seed, pattern);
            if (positionsOut != null) {
                StringBuilder sb = new StringBuilder();
                for (long[] p : positions) {
                    sb.append(p[0]).append(',').append(p[1]).append('\n');
                }
                AtomicFiles.writeString(positionsOut, sb.toString());
            }
            List<long[]> warm = positions.subList(0, Math.min(warmup, positions.size()));
            int per = (positions.size() + threads - 1) / threads;
            // Every reading thread warms up itself, then all are let go together as the timer starts. The fast reader's
            // decoder and tile cache are per thread: a warm-up on the main thread left each timed thread to create its
            // decoder and first touch its cache's memory (≈ 70 MB of 256² slots, ≈ 18k page faults, 0.4–1 s on this
            // project's VMs) inside the timed region, a fixed cost per thread that a short run charged to its reads.
            // After its warm-up reads a thread goes on reading the warm-up positions until the JIT has settled: C2 was
            // still compiling the reader's hot methods after 300 reads (0.2–0.25 s of C2 CPU inside a 1500-read timed
            // region), CPU that the second core gives for free to one reading thread but takes from two.
            CountDownLatch warmedUp = new CountDownLatch(threads);
            CountDownLatch atStart = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            AtomicBoolean settled = new AtomicBoolean(warm.isEmpty());
            LongAdder extraWarmup = new LongAdder();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<long[]>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    List<long[]> run = positions.subList(Math.min(positions.size(), t * per), Math.min(positions.size(), (t + 1) * per));
                    parts.add(pool.submit(() -> {
                        for (long[] p : warm) {
                            r.readRegion(RegionRequest.square(p[0], p[1], level, size));
                        }
                        warmedUp.countDown();
                        for (int i = 0; !settled.get(); i++) {
                            long[] p = warm.get(i % warm.size());
                            r.readRegion(RegionRequest.square(p[0], p[1], level, size));
                            extraWarmup.increment();
                        }
                        atStart.countDown();
                        go.await();
                        long cpu0 = THREADS.getCurrentThreadCpuTime();
                        long checksum = 0;
                        for (long[] p : run) {
                            RgbImage img = r.readRegion(RegionRequest.square(p[0], p[1], level, size));
                            checksum += img.rgb()[img.rgb().length / 2];
                        }
                        return new long[] {checksum, THREADS.getCurrentThreadCpuTime() - cpu0};
                    }));
                }
                awaitOrFailure(warmedUp, parts);
                jitSettleSeconds = waitForJit(settled);
                awaitOrFailure(atStart, parts);
                // Warm-up leaves each thread's tile cache holding the first positions' tiles. In a grid those are the
                // first thread's first timed cells, so at 2 threads one thread started with 300 cached reads and the
                // other with none, and the run waits for the slower: the imbalance, not the reads, set the 2-thread
                // grid figure. The timed reads start cold instead, on every thread. (OpenSlide's own cache stays
                // warm: the peer keeps that edge.)
                if (r instanceof JpegTileReader fast) {
                    fast.forgetCachedTiles();
                }
                ReadStats.Snapshot timedBefore = ReadStats.global().snapshot();
                long compileStart = compileMillis();
                long faultsStart = HostFacts.processMinorFaults();
                Map<String, Long> threadsStart = cpuTicksByThreadKind();
                long[] gcStart = gcCountAndMillis();
                long cpuStart = HostFacts.processCpuNanos();
                long start = System.nanoTime();
                go.countDown();
                long checksum = 0;
                long readingCpuNanos = 0;
                for (Future<long[]> f : parts) {
                    long[] part = f.get();
                    checksum += part[0];
                    readingCpuNanos += part[1];
                }
                seconds = (System.nanoTime() - start) / 1e9;
                cpuSeconds = (HostFacts.processCpuNanos() - cpuStart) / 1e9;
                long[] gcEnd = gcCountAndMillis();
                Map<String, Double> otherCpu = new TreeMap<>();
                cpuTicksByThreadKind().forEach((kind, ticks) -> {
                    double sec = (ticks - threadsStart.getOrDefault(kind, 0L)) / 100.0;
                    if (sec > 0 && !kind.startsWith("pool-")) { // the executor's threads: the reads themselves
                        otherCpu.put(kind, sec);
                    }
                });
                timed = new Timed(checksum, readingCpuNanos / 1e9, HostFacts.processMinorFaults() - faultsStart,
                    gcEnd[0] - gcStart[0], (gcEnd[1] - gcStart[1]) / 1e3, ReadStats.global().snapshot().minus(timedBefore),
                    otherCpu, (compileMillis() - compileStart) / 1e3);
            } finally {
                settled.set(true); // a failed run: warming threads stop, waiting ones are interrupted
                pool.shutdownNow();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("what", "reads");
            out.put("reader", r.readerName());
            out.put("seconds", seconds);
            out.put("reads_per_s", positions.size() / seconds);
            out.put("megapixels_per_s", positions.size() * (double) size * size / 1e6 / seconds);
            out.put("threads", threads);
            // CPU time of the whole process (GC and JIT included): on a shared, loaded machine reads per CPU-second
            // compare readers more fairly than wall-clock rates
            out.put("cpu_seconds", cpuSeconds);
            out.put("reads_per_cpu_s", positions.size() / cpuSeconds);
            // where the process's CPU went besides the reads themselves, and memory first touched while timed
            out.put("reading_threads_cpu_seconds", timed.readingCpuSeconds());
            out.put("timed_minor_faults", timed.minorFaults());
            out.put("timed_gc_count", timed.gcCount());
            out.put("timed_gc_seconds", timed.gcSeconds());
            out.put("timed_tiles_decoded", timed.reads().tilesDecoded());
            out.put("timed_tile_cache_hits", timed.reads().tileCacheHits());
            // the process's other threads (GC, JIT, ...) by kind: on 2 cores, they take their CPU from 2 reading threads
            out.put("timed_other_threads_cpu_seconds", timed.otherThreadsCpuSeconds());
            out.put("timed_jit_compile_seconds", timed.jitSeconds());
            out.put("warmup_extra_reads", extraWarmup.sum());
            out.put("warmup_jit_settle_seconds", jitSettleSeconds);
            out.put("jvm_options", ManagementFactory.getRuntimeMXBean().getInputArguments());
            ReadStats.Snapshot reads = readStats(out, statsBefore);
            passport(out);
            Map<String, Object> inputs = new LinkedHashMap<>();
            inputs.put("slide", slide.toAbsolutePath().toString());
            inputs.put("slide_width", r.width());
            inputs.put("slide_height", r.height());
            inputs.put("size", size);
            inputs.put("level", level);
            inputs.put("reads", positions.size());
            inputs.put("pattern", pattern);
            inputs.put("seed", seed);
            inputs.put("warmup", warmup);
            inputs.put("warmup_by", "every reading thread");
            out.put("inputs", inputs);
            out.put("checksum", timed.checksum());
            emit(out, json, String.format(Locale.ROOT, "reads: %s %d threads, %d× %d² at level %d (%s): %.1f reads/s, %.1f MP/s; %s",
                r.readerName(), threads, positions.size(), size, level, pattern, positions.size() / seconds,
                positions.size() * (double) size * size / 1e6 / seconds, reads.describe()));
            return 0;
        }
    }

    /** What the timed region measured besides its duration. */
    private record Timed(long checksum, double readingCpuSeconds, long minorFaults, long gcCount, double gcSeconds,
                         ReadStats.Snapshot reads, Map<String, Double> otherThreadsCpuSeconds, double jitSeconds) {
    }

    /**
     * CPU clock ticks (1/100 s) of this process's threads so far, summed by kind (the thread name without its
     * number: "GC Thread#", "C2 CompilerThread"); empty where /proc is absent.
     */
    private static Map<String, Long> cpuTicksByThreadKind() {
        Map<String, Long> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    long ticks = Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]); // utime + stime
                    out.merge(name.replaceAll("[0-9]+$", ""), ticks, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    /**
     * Waits until the JIT has settled (at most a minute; at once where the JVM does not report compilation time),
     * then lets the warming threads stop. Returns the seconds waited.
     */
    private static double waitForJit(AtomicBoolean settled) throws InterruptedException {
        long start = System.nanoTime();
        if (compileMillis() < 0) {
            settled.set(true);
            return 0;
        }
        long before = compileMillis();
        while (!settled.get()) {
            Thread.sleep(JIT_WINDOW_MILLIS);
            long now = compileMillis();
            if (now - before < JIT_QUIET_MILLIS || (System.nanoTime() - start) / 1_000_000 > JIT_SETTLE_MAX_MILLIS) {
                settled.set(true);
            }
            before = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Milliseconds the JIT compilers spent so far, or -1 where the JVM does not tell. */
    private static long compileMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
    }

    /** Collections and milliseconds of every collector so far. */
    private static long[] gcCountAndMillis() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** Waits for the latch, or throws the failure of a reading thread that ended before it opened. */
    private static void awaitOrFailure(CountDownLatch latch, List<Future<long[]>> parts) throws Exception {
        while (!latch.await(100, TimeUnit.MILLISECONDS)) {
            for (Future<long[]> f : parts) {
                if (f.isDone()) {
                    f.get(); // throws the thread's exception
                    throw new IllegalStateException("a reading thread ended before the timed reads");
                }
            }
        }
    }

    /** Level-0 top-left corners of the reads (SPEC §10: random from the seed, or a raster grid from (100,100)). */
    static List<long[]> positions(LevelInfo lv, int size, int reads, long seed, String pattern) {
        List<long[]> out = new ArrayList<>(reads);
        double ds = lv.downsample();
        switch (pattern) {
            case "random" -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                long maxX = Math.max(1, lv.width() - size);
                long maxY = Math.max(1, lv.height() - size);
                for (int i = 0; i < reads; i++) {
                    out.add(new long[] {(long) (rnd.nextLong(maxX) * ds), (long) (rnd.nextLong(maxY) * ds)});
                }
            }
            case "grid" -> {
                long cols = Math.max(1, (lv.width() - 100) / size);
                long rows = Math.max(1, (lv.height() - 100) / size);
                for (long i = 0; i < Math.min(reads, cols * rows); i++) {
                    long cx = 100 + (i % cols) * size;
                    long cy = 100 + (i / cols) * size;
                    out.add(new long[] {(long) (cx * ds), (long) (cy * ds)});
                }
            }
            default -> throw new CliException("--pattern must be random or grid, got " + pattern, 2);
        }
        return out;
    }

    /** How this run's reads were served (fast, or OpenSlide and why), warm-up included, into {@code read_stats}. */
    static ReadStats.Snapshot readStats(Map<String, Object> out, ReadStats.Snapshot before) {
        ReadStats.Snapshot s = ReadStats.global().snapshot().minus(before);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fast_reads", s.fastReads());
        m.put("tiles_decoded", s.tilesDecoded());
        m.put("tile_cache_hits", s.tileCacheHits());
        m.put("openslide_fallback_reads", s.fallbackReads());
        m.put("openslide_slides", s.openslideSlides());
        out.put("read_stats", m);
        return s;
    }

    static void passport(Map<String, Object> out) {
        HostFacts h = HostFacts.current();
        out.put("host", h.host());
        out.put("cpu", h.cpuModel());
        out.put("cores", h.cpuCores());
        out.put("jvm", h.jvm());
        out.put("libraries", h.libraryVersions());
    }

    static void emit(Map<String, Object> out, Path json, String line) throws IOException {
        if (json != null) {
            AtomicFiles.writeString(json, Json.write(out) + "\n");
        }
        System.out.println(line);
    }
}
