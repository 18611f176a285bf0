package org.slidebatch.sampling;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.PixelCalibration;
import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideException;
import org.slidebatch.slide.SlideReader;

/**
 * The patch stream of SPEC §5 (wsistream's {@code PatchPipeline}): open slide → tissue mask on a thumbnail →
 * sampler proposes level-0 coordinates → read → optional filter → transforms or named views → {@link PatchResult}.
 *
 * <p><b>Pool.</b> {@code pool_size} slides are open at once and visited round-robin; a visit reads
 * {@code patches_per_visit} consecutive attempts; a slide leaves the pool after {@code patches_per_slide} read
 * attempts (failed and filtered ones count) or when its sampler is exhausted, and the next queued slide enters
 * (at the end of the pool; the position stays, modulo the new size). With {@code cycle} the queue is refilled
 * with every slide not blacklisted whenever it runs dry, never opening more copies than there are slides. A slide
 * visit that delivers nothing (every read failed or was filtered, or no tissue patch at all) blacklists the slide
 * for the rest of the stream, as does an open failure ({@code mpp_missing}, unreadable file...), so a pass in
 * which every slide fails ends the stream. A stream that ends without a single patch throws
 * {@link PatchStreamException} naming every slide and its reason (⚠ wsistream cycles forever on a pool without
 * tissue).
 *
 * <p><b>Determinism.</b> The schedule (which slide, which coordinate, which attempt) is computed on the
 * iterating thread from the root seed alone; reads, filters, crops and transforms of each attempt run on
 * {@code threads} workers with their own random stream derived from (seed, slide, visit, attempt); results are
 * delivered in schedule order. The blacklist is consulted only when the queue is refilled, after every attempt of
 * the slides closed so far has finished. So the same seed gives the same stream for any thread count.
 *
 * <p><b>Memory.</b> At most {@code pool_size} slides (plus a look-ahead of one or two opening) are open, each with
 * its thumbnail mask, and at most {@code prefetch} attempts are in flight.
 *
 * <p>Iterate on one thread; {@link #close()} (or closing {@link #stream()}) stops the workers and closes every
 * slide.
 */
public final class PatchStream implements Iterator<PatchResult>, AutoCloseable {

    private static final int OPEN_LOOKAHEAD = 2;

    private final PatchStreamConfig config;
    private final SlideOpener opener;
    private final List<Slot> slots;
    private final ExecutorService executor;
    private final PatchStreamStats stats = new PatchStreamStats();
    private final ArrayDeque<CompletableFuture<Outcome>> window = new ArrayDeque<>();
    private final ArrayDeque<Slot> queue = new ArrayDeque<>();
    private final List<Entry> pool = new ArrayList<>();
    private final Map<Slot, CompletableFuture<OpenOutcome>> prefetched = new HashMap<>();
    private final ArrayDeque<Entry> closedUnaccounted = new ArrayDeque<>();
    private final Set<SlideReader> openReaders = ConcurrentHashMap.newKeySet();

    private int poolIdx;
    private int visitCount;
    private int pass;
    private boolean schedulerDone;
    private boolean finished;
    private boolean closed;
    private PatchResult next;
    private long sequence;

    public PatchStream(PatchStreamConfig config, List<Path> slides, SlideOpener opener) {
        if (slides == null || slides.isEmpty()) {
            throw new IllegalArgumentException("a patch stream needs at least one slide");
        }
        this.config = config;
        this.opener = opener;
        List<Slot> s = new ArrayList<>(slides.size());
        for (int i = 0; i < slides.size(); i++) {
            s.add(new Slot(i, slides.get(i)));
        }
        this.slots = List.copyOf(s);
        if (config.threads() > 0) {
            AtomicInteger n = new AtomicInteger();
            ThreadFactory tf = r -> {
                Thread t = new Thread(r, "patch-stream-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.executor = Executors.newFixedThreadPool(config.threads(), tf);
        } else {
            this.executor = null;
        }
    }

    /** A stream over the default reader (the fast JPEG tile reader where it applies, else OpenSlide). */
    public static PatchStream open(PatchStreamConfig config, List<Path> slides) {
        return open(config, slides, org.slidebatch.slide.ReaderChoice.DEFAULT);
    }

    public static PatchStream open(PatchStreamConfig config, List<Path> slides, org.slidebatch.slide.ReaderChoice reader) {
        return new PatchStream(config, slides, SlideOpener.of(reader));
    }

    public PatchStreamConfig config() {
        return config;
    }

    /** Live statistics; read them on the iterating thread. */
    public PatchStreamStats stats() {
        return stats;
    }

    /** This iterator as a sequential ordered stream; closing the stream closes this. */
    public Stream<PatchResult> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
            Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
    }

    // ---- Iterator --------------------------------------------------------------------------------------

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (finished || closed) {
            return false;
        }
        stats.start();
        while (true) {
            fillWindow();
            if (window.isEmpty()) {
                finish();
                return false;
            }
            Outcome o = window.pollFirst().join();
            accountClosed(false);
            stats.attempts++;
            switch (o.kind) {
                case FAILED -> stats.readError(o.attempt.entry.slot.slideId, o.error);
                case FILTERED -> stats.patchesFiltered++;
                case DELIVERED -> {
                    Attempt a = o.attempt;
                    next = new PatchResult(sequence++, a.entry.opened.info, a.coordinate, o.image, o.views,
                        a.entry.visit, a.number);
                    stats.extracted(next);
                    return true;
                }
            }
        }
    }

    @Override
    public PatchResult next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the patch stream has ended");
        }
        PatchResult r = next;
        next = null;
        return r;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                    stats.error("stream", "workers did not stop within 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (SlideReader r : List.copyOf(openReaders)) {
            closeReader(r);
        }
        window.clear();
        pool.clear();
        prefetched.clear();
    }

    private void finish() {
        finished = true;
        accountClosed(true);
        close();
        if (stats.patchesExtracted == 0) {
            throw new PatchStreamException(noPatchMessage(), stats.failures);
        }
    }

    private String noPatchMessage() {
        Map<String, String> f = stats.failures;
        boolean allNoTissue = true;
        StringBuilder plain = new StringBuilder();
        StringBuilder detail = new StringBuilder();
        for (Slot s : slots) {
            String reason = f.getOrDefault(s.slideId, "not visited");
            allNoTissue &= reason.startsWith("no_tissue");
            plain.append(plain.isEmpty() ? "" : ", ").append(s.slideId);
            detail.append(detail.isEmpty() ? "" : ", ").append(s.slideId).append(" (").append(reason).append(')');
        }
        if (allNoTissue) {
            return "no slide in the pool has any tissue (tissue source " + config.tissue().name() + ", tissue_threshold "
                + config.sampler().tissueThreshold() + ", patch " + config.sampler().patchSize() + " px): " + plain;
        }
        return "no patch could be streamed from any of the " + slots.size() + " slide" + (slots.size() == 1 ? "" : "s")
            + ": " + detail;
    }

    // ---- scheduling (iterating thread only) ---------------------------------------------------------------

    private void fillWindow() {
        while (!schedulerDone && window.size() < config.effectivePrefetch()) {
            if (!scheduleOne()) {
                schedulerDone = true;
            }
        }
    }

    /**
     * wsistream's {@code _iterate}, one attempt at a time: appends the next attempt to the window (submitted before
     * its slide may leave the pool, so that waiting for a closed slide's reads cannot wait for itself); false at
     * the end of the stream.
     */
    private boolean scheduleOne() {
        while (true) {
            if (pool.isEmpty()) {
                fillPool();
                if (pool.isEmpty()) {
                    return false;
                }
                poolIdx = 0;
                visitCount = 0;
            }
            Entry e = pool.get(poolIdx);
            PatchCoordinate c = e.coords.next();
            if (c == null) {
                e.exhaustedReason = e.coords.exhaustedReason();
                retire();
                continue;
            }
            Attempt a = new Attempt(e, c, e.attempts++);
            e.pending.incrementAndGet();
            window.addLast(submit(a));
            if (e.attempts >= config.patchesPerSlide()) {
                retire();
            } else {
                visitCount++;
                if (visitCount >= config.patchesPerVisit()) {
                    poolIdx = (poolIdx + 1) % pool.size();
                    visitCount = 0;
                }
            }
            return true;
        }
    }

    /** The entry at poolIdx leaves the pool; the next queued slide enters. */
    private void retire() {
        Entry e = pool.remove(poolIdx);
        e.closeForScheduling();
        closedUnaccounted.addLast(e);
        fillPool();
        poolIdx = pool.isEmpty() ? 0 : poolIdx % pool.size();
        visitCount = 0;
    }

    private void fillPool() {
        int consecutiveFailures = 0;
        while (pool.size() < config.poolSize()) {
            if (queue.isEmpty()) {
                if (pass > 0 && !config.cycle()) {
                    break;
                }
                // Blacklisting must be complete before it is consulted: wait for the closed slides' reads.
                accountClosed(true);
                if (pool.size() >= activeSlides()) {
                    break;
                }
                queue.addAll(order(pass++));
                if (queue.isEmpty()) {
                    break;
                }
            }
            prefetchOpens(config.poolSize() - pool.size());
            Slot s = queue.pollFirst();
            CompletableFuture<OpenOutcome> f = prefetched.remove(s);
            OpenOutcome o = (f != null ? f : submitOpen(s)).join();
            if (o.opened != null) {
                pool.add(newEntry(s, o.opened));
                stats.opened(o.opened.info);
                consecutiveFailures = 0;
            } else {
                s.blacklisted = true;
                stats.slideFailed(s.slideId, o.reason + ": " + o.message);
                consecutiveFailures++;
                if (consecutiveFailures >= slots.size()) {
                    break;
                }
            }
        }
        prefetchOpens(Math.min(OPEN_LOOKAHEAD, config.poolSize()));
    }

    private int activeSlides() {
        int n = 0;
        for (Slot s : slots) {
            if (!s.blacklisted) {
                n++;
            }
        }
        return n;
    }

    private List<Slot> order(int passNumber) {
        List<Slot> out = new ArrayList<>();
        for (Slot s : slots) {
            if (!s.blacklisted) {
                out.add(s);
            }
        }
        if (config.slideSampling().equals("random")) {
            SplittableRandom rng = new SplittableRandom(Seeds.derive(config.seed(), Seeds.ORDER, passNumber));
            for (int i = out.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Slot t = out.get(i);
                out.set(i, out.get(j));
                out.set(j, t);
            }
        }
        return out;
    }

    private void prefetchOpens(int count) {
        if (executor == null) {
            return;
        }
        int i = 0;
        for (Slot s : queue) {
            if (i++ >= count) {
                break;
            }
            prefetched.computeIfAbsent(s, this::submitOpen);
        }
    }

    private Entry newEntry(Slot s, Opened o) {
        int visit = s.visits++;
        SplittableRandom rng = new SplittableRandom(Seeds.derive(config.seed(), Seeds.SAMPLER, s.index, visit));
        Sampler.Visit coords = config.sampler().start(new Sampler.VisitContext(s.slideId, s.index, o.levels, o.level,
            o.levelMpp, o.mask, rng, s.samplerState, config.seed()));
        Entry e = new Entry(s, o, visit, coords);
        e.done.whenComplete((v, t) -> closeReader(o.reader));
        return e;
    }

    /** Blacklists closed entries that delivered nothing, in closing order; {@code block} waits for their reads. */
    private void accountClosed(boolean block) {
        while (!closedUnaccounted.isEmpty()) {
            Entry e = closedUnaccounted.peekFirst();
            if (!e.done.isDone()) {
                if (!block) {
                    return;
                }
                e.done.join();
            }
            closedUnaccounted.pollFirst();
            if (e.delivered.get() == 0) {
                String reason;
                if (e.attempts == 0) {
                    reason = e.exhaustedReason == null ? "no_tissue" : e.exhaustedReason;
                } else if (e.failedReads.get() == e.attempts) {
                    reason = "read_failed: " + e.lastError;
                } else if (e.filtered.get() == e.attempts) {
                    reason = "all_filtered";
                } else {
                    reason = "read_failed_or_filtered: " + e.lastError;
                }
                e.slot.blacklisted = true;
                stats.blacklisted(e.slot.slideId, reason);
            }
        }
    }

    // ---- work (worker threads) ----------------------------------------------------------------------------

    private CompletableFuture<OpenOutcome> submitOpen(Slot s) {
        if (executor == null) {
            return CompletableFuture.completedFuture(openSlide(s));
        }
        return CompletableFuture.supplyAsync(() -> openSlide(s), executor);
    }

    private CompletableFuture<Outcome> submit(Attempt a) {
        if (executor == null) {
            return CompletableFuture.completedFuture(run(a));
        }
        return CompletableFuture.supplyAsync(() -> run(a), executor);
    }

    private OpenOutcome openSlide(Slot s) {
        SlideReader r = null;
        try {
            r = opener.open(s.path);
            openReaders.add(r);
            List<LevelInfo> levels = r.levels();
            PixelCalibration cal = r.calibration();
            int level = config.sampler().resolveLevel(levels, cal, config.assumeMpp());
            Double mpp0 = cal.isKnown() ? Double.valueOf(cal.mpp()) : config.assumeMpp();
            String source = cal.isKnown() ? cal.source() : config.assumeMpp() != null ? "assume_mpp" : "missing";
            // wsistream: slide.get_thumbnail((thumbnail_size, thumbnail_size)), a square box
            RgbImage thumb = r.thumbnail(config.maskMaxSide(), config.maskMaxSide());
            long w0 = r.width();
            long h0 = r.height();
            double dsX = (double) w0 / thumb.width();
            double dsY = (double) h0 / thumb.height();
            byte[] m = config.tissue().detect(s.slideId, thumb, dsX, dsY);
            TissueMask mask = new TissueMask(thumb.width(), thumb.height(), m, Math.max(dsX, dsY), w0, h0);
            Double levelMpp = mpp0 == null ? null : mpp0 * levels.get(level).downsample();
            SlideInfo info = new SlideInfo(s.slideId, s.path, r.vendor(), w0, h0, levels.size(), mpp0, source,
                mask.tissueFraction());
            return new OpenOutcome(new Opened(r, info, mask, levels, level, levelMpp), null, null);
        } catch (SlideFailureException e) {
            closeReader(r);
            return new OpenOutcome(null, e.reason(), e.getMessage());
        } catch (SlideException e) {
            closeReader(r);
            return new OpenOutcome(null, "open_failed", e.reason());
        } catch (RuntimeException e) {
            closeReader(r);
            return new OpenOutcome(null, "open_failed", String.valueOf(e));
        }
    }

    private Outcome run(Attempt a) {
        Entry e = a.entry;
        PatchCoordinate c = a.coordinate;
        try {
            RgbImage patch;
            try {
                patch = e.opened.reader.readRegion(RegionRequest.square(c.x(), c.y(), c.level(), c.patchSize()));
            } catch (RuntimeException ex) {
                String msg = ex instanceof SlideException se ? se.reason() : String.valueOf(ex);
                e.failedReads.incrementAndGet();
                e.lastError = msg;
                return new Outcome(a, Kind.FAILED, null, null, msg);
            }
            if (config.filter() != null && !config.filter().accept(patch)) {
                e.filtered.incrementAndGet();
                return new Outcome(a, Kind.FILTERED, null, null, null);
            }
            SplittableRandom rng = new SplittableRandom(Seeds.derive(config.seed(), Seeds.ATTEMPT, e.slot.index,
                e.visit, a.number));
            for (PatchTransform t : config.transforms()) {
                patch = t.apply(patch, rng);
            }
            Normalization norm = config.normalization();
            if (config.views().isEmpty()) {
                e.delivered.incrementAndGet();
                return new Outcome(a, Kind.DELIVERED, PatchPixels.of(patch, norm), null, null);
            }
            Map<String, PatchPixels> views = new LinkedHashMap<>();
            for (ViewConfig v : config.views()) {
                for (String name : v.names()) {
                    RgbImage img = v.crop() == null ? patch : v.crop().apply(patch, rng);
                    for (PatchTransform t : v.transforms()) {
                        img = t.apply(img, rng);
                    }
                    views.put(name, PatchPixels.of(img, norm));
                }
            }
            e.delivered.incrementAndGet();
            return new Outcome(a, Kind.DELIVERED, null, views, null);
        } catch (RuntimeException ex) {
            e.failedReads.incrementAndGet();
            e.lastError = String.valueOf(ex);
            return new Outcome(a, Kind.FAILED, null, null, String.valueOf(ex));
        } finally {
            e.taskFinished();
        }
    }

    private void closeReader(SlideReader r) {
        if (r != null && openReaders.remove(r)) {
            try {
                r.close();
            } catch (RuntimeException ignored) {
                // closing is best effort; the handle is gone either way
            }
        }
    }

    // ---- state -------------------------------------------------------------------------------------------

    private static final class Slot {
        final int index;
        final Path path;
        final String slideId;
        final Sampler.SlideState samplerState = new Sampler.SlideState();
        int visits;
        boolean blacklisted;

        Slot(int index, Path path) {
            this.index = index;
            this.path = path;
            String name = path.getFileName().toString();
            int dot = name.lastIndexOf('.');
            this.slideId = dot > 0 ? name.substring(0, dot) : name;
        }
    }

    private record Opened(SlideReader reader, SlideInfo info, TissueMask mask, List<LevelInfo> levels, int level,
                          Double levelMpp) {
    }

    private record OpenOutcome(Opened opened, String reason, String message) {
    }

    private static final class Entry {
        final Slot slot;
        final Opened opened;
        final int visit;
        final Sampler.Visit coords;
        final AtomicInteger pending = new AtomicInteger();
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger failedReads = new AtomicInteger();
        final AtomicInteger filtered = new AtomicInteger();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile boolean closedForScheduling;
        volatile String lastError;
        int attempts;
        String exhaustedReason;

        Entry(Slot slot, Opened opened, int visit, Sampler.Visit coords) {
            this.slot = slot;
            this.opened = opened;
            this.visit = visit;
            this.coords = coords;
        }

        void closeForScheduling() {
            closedForScheduling = true;
            if (pending.get() == 0) {
                done.complete(null);
            }
        }

        void taskFinished() {
            if (pending.decrementAndGet() == 0 && closedForScheduling) {
                done.complete(null);
            }
        }
    }

    private record Attempt(Entry entry, PatchCoordinate coordinate, int number) {
    }

    private enum Kind { DELIVERED, FILTERED, FAILED }

    private record Outcome(Attempt attempt, Kind kind, PatchPixels image, Map<String, PatchPixels> views, String error) {
    }
}
