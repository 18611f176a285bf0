package org.slidebatch.slide;

import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * {@link SlideReader} that decodes JPEG-tiled TIFF pyramids (Aperio SVS, generic tiled TIFF, BigTIFF) itself:
 * our own TIFF parser over a memory-mapped file, libjpeg-turbo's TurboJPEG through FFM, one decompressor and
 * one off-heap tile cache per reading thread.
 *
 * <p>It keeps an {@link OpenSlideReader} open on the same file, for three reasons: levels, downsamples,
 * properties, µm/px and associated images are then OpenSlide's by construction (a second parser of vendor
 * metadata could only drift from it); any read we cannot make byte-identical to OpenSlide's is handed to
 * it (another compression, a level whose coordinate mapping is not whole, a missing or undecodable tile);
 * and an open OpenSlide handle costs little next to a slide's reads. Every such hand-over is counted with
 * its reason in {@link #stats()} and {@link ReadStats#global()}.
 *
 * <p>Pixels equal OpenSlide 3.4.1's because both decode with libjpeg-turbo 2.1 with the same settings
 * (accurate DCT, fancy upsampling) and the same colour space (from Photometric, see {@link JpegTileStream}).
 * At levels above 0 OpenSlide maps level-0 coordinates through its (often non-integer) downsample and
 * resamples at the sub-pixel offset; we read a level's own pixels only where that mapping lands on whole
 * level pixels, which is where both agree, and hand every other read to OpenSlide.
 */
public final class JpegTileReader implements SlideReader {

    /** OpenSlide 3.4.1 paints large regions in 4096² pieces, each mapped through the downsample on its own. */
    private static final long OPENSLIDE_CHUNK = 4096;

    /** Per-thread tile cache budget; {@code -Dslidebatch.tile-cache-mib=N} overrides it. */
    static final long DEFAULT_CACHE_MIB = 96;

    private final OpenSlideReader openslide;
    private final TiffFile tiff;
    private final TurboJpeg tj;
    private final TiffFile.Directory[] fastLevels;
    private final String[] levelFallback;
    private final long slotBytes;
    private final int cacheTiles;
    private final ReadStats stats = ReadStats.newChild();
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    // Keyed by thread, owned by this reader; not a ThreadLocal: a ThreadLocal's value that refers back to its reader
    // (as an inner ThreadDecoder does) stays reachable from every worker thread's map for the thread's life, so a
    // long per-slide step kept every slide's reader on the heap (the 20,000-slide soak's heap grew ~20 KB per slide).
    private final ConcurrentHashMap<Thread, ThreadDecoder> decoders = new ConcurrentHashMap<>();
    private boolean closed;

    private JpegTileReader(OpenSlideReader openslide, TiffFile tiff, TurboJpeg tj, TiffFile.Directory[] fastLevels,
                           String[] levelFallback) {
        this.openslide = openslide;
        this.tiff = tiff;
        this.tj = tj;
        this.fastLevels = fastLevels;
        this.levelFallback = levelFallback;
        long slot = 0;
        for (TiffFile.Directory d : fastLevels) {
            if (d != null) {
                slot = Math.max(slot, d.tileWidth() * d.tileHeight() * 3);
            }
        }
        this.slotBytes = slot;
        long across = fastLevels[0] != null ? fastLevels[0].tilesAcross() : 16;
        long budget = Long.getLong("slidebatch.tile-cache-mib", DEFAULT_CACHE_MIB) * 1024 * 1024;
        // About 3 tile rows: a raster grid of cells taller than a tile then decodes every tile once.
        long wanted = Math.max(16, 3 * across + 4);
        this.cacheTiles = (int) Math.max(4, Math.min(wanted, slot == 0 ? 1 : budget / slot));
    }

    /**
     * Wraps an open OpenSlide reader when this file's pyramid has at least one level we decode ourselves.
     * @return the reader, or a {@link NotApplicable} with the reason (the OpenSlide reader stays open then)
     */
    static Result wrap(OpenSlideReader openslide) {
        if (!TurboJpeg.isAvailable()) {
            return new NotApplicable("libturbojpeg.so.0 not installed");
        }
        String vendor = openslide.vendor();
        if (!vendor.equals("aperio") && !vendor.equals("generic-tiff")) {
            return new NotApplicable("format " + vendor);
        }
        Path path = openslide.path();
        if (!TiffFile.looksLikeTiff(path)) {
            return new NotApplicable("not a TIFF file");
        }
        TiffFile tiff;
        try {
            tiff = TiffFile.open(path);
        } catch (SlideException e) {
            return new NotApplicable("TIFF not parsed: " + e.reason());
        }
        try {
            return wrap(openslide, tiff);
        } catch (RuntimeException e) {
            tiff.close();
            throw e;
        }
    }

    private static Result wrap(OpenSlideReader openslide, TiffFile tiff) {
        List<LevelInfo> levels = openslide.levels();
        TiffFile.Directory[] fast = new TiffFile.Directory[levels.size()];
        String[] why = new String[levels.size()];
        boolean any = false;
        for (LevelInfo lv : levels) {
            TiffFile.Directory match = null;
            for (TiffFile.Directory d : tiff.directories()) {
                if (d.tiled() && d.width() == lv.width() && d.height() == lv.height()) {
                    match = d;
                    break;
                }
            }
            String reason = match == null ? "no tiled TIFF directory of the level's size" : unsupported(match);
            if (reason == null) {
                fast[lv.level()] = match;
                any = true;
            } else {
                why[lv.level()] = reason;
            }
        }
        if (!any) {
            String first = why[0];
            tiff.close();
            return new NotApplicable(first);
        }
        return new Wrapped(new JpegTileReader(openslide, tiff, TurboJpeg.get(), fast, why));
    }

    /** Why we cannot decode this directory ourselves, or null when we can. */
    static String unsupported(TiffFile.Directory d) {
        if (d.compression() != TiffFile.COMPRESSION_JPEG) {
            return "compression " + d.compression() + " (not JPEG)";
        }
        if (d.photometric() != TiffFile.PHOTOMETRIC_RGB && d.photometric() != TiffFile.PHOTOMETRIC_YCBCR) {
            return "photometric " + d.photometric();
        }
        if (d.samplesPerPixel() != 3 || d.bitsPerSample() != 8) {
            return d.samplesPerPixel() + " samples of " + d.bitsPerSample() + " bits";
        }
        if (d.planarConfig() != 1) {
            return "planar configuration " + d.planarConfig();
        }
        if (d.tileWidth() > 4096 || d.tileHeight() > 4096) {
            return "tiles larger than 4096 px"; // a cache slot would be 48 MiB or more
        }
        long tiles = d.tilesAcross() * d.tilesDown();
        if (d.tileOffsets().length < tiles || d.tileByteCounts().length < tiles) {
            return "fewer tile offsets than tiles";
        }
        return null;
    }

    sealed interface Result permits Wrapped, NotApplicable {
    }

    record Wrapped(JpegTileReader reader) implements Result {
    }

    record NotApplicable(String reason) implements Result {
    }

    /** Opens the slide with OpenSlide and this reader on top, or fails naming why the fast reader does not apply. */
    public static JpegTileReader open(Path path) {
        OpenSlideReader os = OpenSlideReader.open(path);
        Result r;
        try {
            r = wrap(os);
        } catch (RuntimeException e) {
            os.close();
            throw e;
        }
        if (r instanceof Wrapped w) {
            return w.reader();
        }
        os.close();
        throw new SlideException(path, "the fast JPEG tile reader does not apply: " + ((NotApplicable) r).reason());
    }

    /** The decoder library for passports: its soname, or "not available" (the fast reader then never applies). */
    public static String decoderLibrary() {
        return TurboJpeg.isAvailable() ? TurboJpeg.SONAME : "not available";
    }

    /** Counts of fast and fallback reads on this reader. */
    public ReadStats stats() {
        return stats;
    }

    /** Per level: null when we decode it ourselves, else why OpenSlide reads it. */
    public List<String> levelFallbackReasons() {
        return java.util.Collections.unmodifiableList(Arrays.asList(levelFallback.clone()));
    }

    int cacheTilesPerThread() {
        return cacheTiles;
    }

    @Override
    public Path path() {
        return openslide.path();
    }

    @Override
    public String readerName() {
        return "fast";
    }

    @Override
    public String vendor() {
        return openslide.vendor();
    }

    @Override
    public List<LevelInfo> levels() {
        return openslide.levels();
    }

    @Override
    public int bestLevelForDownsample(double downsample) {
        return openslide.bestLevelForDownsample(downsample);
    }

    @Override
    public Map<String, String> properties() {
        return openslide.properties();
    }

    @Override
    public Set<String> associatedImageNames() {
        return openslide.associatedImageNames();
    }

    @Override
    public BufferedImage readAssociatedImage(String name) {
        return openslide.readAssociatedImage(name);
    }

    /**
     * Thumbnails and RGBA reads go through the OpenSlide handle: a thumbnail reads a whole level above 0 (where our
     * decoder would hand most reads to OpenSlide anyway) and needs OpenSlide's alpha to composite exactly as
     * openslide-python does ({@link Thumbnails}).
     */
    @Override
    public RgbImage thumbnail(int maxSide) {
        return openslide.thumbnail(maxSide);
    }

    @Override
    public RgbImage thumbnail(int maxWidth, int maxHeight) {
        return openslide.thumbnail(maxWidth, maxHeight);
    }

    @Override
    public RgbaImage readRegionRgba(RegionRequest request) {
        return openslide.readRegionRgba(request);
    }

    @Override
    public RgbImage readRegion(RegionRequest r) {
        LevelInfo info = level(r.level());
        String fallback;
        closeLock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(path() + ": slide reader is closed");
            }
            TiffFile.Directory dir = fastLevels[r.level()];
            if (dir == null) {
                fallback = "level " + r.level() + ": " + levelFallback[r.level()];
            } else {
                long[] origin = levelOrigin(r, info.downsample());
                if (origin == null) {
                    fallback = "level > 0: coordinates not on whole level pixels";
                } else {
                    try {
                        RgbImage img = decoder().read(r, origin[0], origin[1], dir);
                        stats.fastRead();
                        return img;
                    } catch (TileFailure e) {
                        fallback = e.getMessage();
                    }
                }
            }
        } finally {
            closeLock.readLock().unlock();
        }
        stats.fallbackRead(fallback);
        return openslide.readRegion(r);
    }

    /**
     * The level pixel at which OpenSlide 3.4.1 puts the region's top-left corner, or null when its mapping
     * is not whole. OpenSlide splits a read into 4096² pieces at level-0 {@code x + (long)(col·4096·ds)} and
     * paints each at level coordinate {@code sx / ds} with a sub-pixel cairo translation; pieces whose
     * coordinate is a whole number, equal to the piece's place in the region, are plain copies of level pixels.
     */
    static long[] levelOrigin(RegionRequest r, double ds) {
        double lx = r.x() / ds;
        double ly = r.y() / ds;
        if (lx != Math.rint(lx) || ly != Math.rint(ly)) {
            return null;
        }
        long cols = (r.width() + OPENSLIDE_CHUNK - 1) / OPENSLIDE_CHUNK;
        long rows = (r.height() + OPENSLIDE_CHUNK - 1) / OPENSLIDE_CHUNK;
        for (long c = 1; c < cols; c++) {
            long sx = (long) (r.x() + (c * OPENSLIDE_CHUNK * ds));
            if (sx / ds != lx + c * OPENSLIDE_CHUNK) {
                return null;
            }
        }
        for (long c = 1; c < rows; c++) {
            long sy = (long) (r.y() + (c * OPENSLIDE_CHUNK * ds));
            if (sy / ds != ly + c * OPENSLIDE_CHUNK) {
                return null;
            }
        }
        return new long[] {(long) lx, (long) ly};
    }

    private ThreadDecoder decoder() {
        return decoders.computeIfAbsent(Thread.currentThread(), t -> new ThreadDecoder());
    }

    /** A read we hand to OpenSlide; the message is the counted reason (a fixed phrase). */
    static final class TileFailure extends Exception {
        TileFailure(String reason) {
            super(reason, null, false, false);
        }
    }

    /** One thread's TurboJPEG handle, stream buffer and tile cache; freed when the reader closes. */
    private final class ThreadDecoder {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment handle;
        private final MemorySegment header = arena.allocate(ValueLayout.JAVA_INT, 4);
        private final TileCache cache = new TileCache(arena, slotBytes, cacheTiles,
            (int) Math.min(cacheTiles, Math.min(TileCache.FLOOR_SLOTS, Math.max(4, 48L * 1024 * 1024 / Math.max(1, slotBytes)))));
        private MemorySegment stream = arena.allocate(256 * 1024, 16);
        private boolean destroyed;

        ThreadDecoder() {
            try {
                handle = (MemorySegment) tj.initDecompress.invokeExact();
            } catch (Throwable t) {
                arena.close();
                throw new SlideException(path(), "tjInitDecompress failed: " + t, t);
            }
            if (handle.equals(MemorySegment.NULL)) {
                arena.close();
                throw new SlideException(path(), "tjInitDecompress returned no handle");
            }
        }

        RgbImage read(RegionRequest r, long lx, long ly, TiffFile.Directory dir) throws TileFailure {
            int w = r.width();
            int h = r.height();
            byte[] out = new byte[w * h * 3];
            long x0 = Math.max(lx, 0);
            long y0 = Math.max(ly, 0);
            long x1 = Math.min(lx + w, dir.width());
            long y1 = Math.min(ly + h, dir.height());
            if (x0 != lx || y0 != ly || x1 != lx + w || y1 != ly + h) {
                Arrays.fill(out, (byte) 0xFF); // outside the image: transparent in OpenSlide, white for us
            }
            if (x0 >= x1 || y0 >= y1) {
                return new RgbImage(w, h, out);
            }
            long tw = dir.tileWidth();
            long th = dir.tileHeight();
            for (long ty = y0 / th; ty <= (y1 - 1) / th; ty++) {
                for (long tx = x0 / tw; tx <= (x1 - 1) / tw; tx++) {
                    MemorySegment tile = tile(r.level(), dir, tx, ty);
                    long ix0 = Math.max(x0, tx * tw);
                    long ix1 = Math.min(x1, tx * tw + tw);
                    long iy0 = Math.max(y0, ty * th);
                    long iy1 = Math.min(y1, ty * th + th);
                    int rowBytes = (int) (ix1 - ix0) * 3;
                    for (long yy = iy0; yy < iy1; yy++) {
                        long src = ((yy - ty * th) * tw + (ix0 - tx * tw)) * 3;
                        int dst = (int) (((yy - ly) * w + (ix0 - lx)) * 3);
                        MemorySegment.copy(tile, ValueLayout.JAVA_BYTE, src, out, dst, rowBytes);
                    }
                }
            }
            return new RgbImage(w, h, out);
        }

        /** The decoded tile (tw·th·3 RGB bytes), from the cache or decoded now. */
        private MemorySegment tile(int level, TiffFile.Directory dir, long tx, long ty) throws TileFailure {
            long index = ty * dir.tilesAcross() + tx;
            long key = TileCache.key(level, index);
            MemorySegment hit = cache.get(key);
            if (hit != null) {
                stats.tileCacheHit();
                return hit;
            }
            MemorySegment slot = cache.acquire();
            try {
                decode(dir, index, slot);
            } catch (TileFailure | RuntimeException e) {
                cache.release(slot);
                if (e instanceof TileFailure tf) {
                    throw tf;
                }
                throw new TileFailure("tile not readable: " + e.getClass().getSimpleName());
            }
            cache.put(key, slot);
            stats.tileDecoded();
            return slot;
        }

        private void decode(TiffFile.Directory dir, long index, MemorySegment slot) throws TileFailure {
            long offset = dir.tileOffsets()[(int) index];
            long length = dir.tileByteCounts()[(int) index];
            if (length == 0) {
                throw new TileFailure("missing tile (0 bytes)");
            }
            MemorySegment tile;
            MemorySegment tables = null;
            try {
                tile = tiff.slice(offset, length, "tile " + index);
                if (dir.jpegTablesOffset() >= 0) {
                    tables = tiff.slice(dir.jpegTablesOffset(), dir.jpegTablesLength(), "JPEGTables");
                }
            } catch (SlideException e) {
                throw new TileFailure("tile outside the file");
            }
            long need = JpegTileStream.maxLength(tables == null ? 0 : tables.byteSize(), length);
            if (need > stream.byteSize()) {
                stream = arena.allocate(Math.max(need, stream.byteSize() * 2), 16);
            }
            boolean rgb = dir.photometric() == TiffFile.PHOTOMETRIC_RGB;
            long size = JpegTileStream.assemble(tables, tile, rgb, stream);
            int tw = (int) dir.tileWidth();
            int th = (int) dir.tileHeight();
            try {
                MemorySegment wp = header.asSlice(0, 4);
                MemorySegment hp = header.asSlice(4, 4);
                MemorySegment sp = header.asSlice(8, 4);
                MemorySegment cp = header.asSlice(12, 4);
                int rc = (int) tj.decompressHeader3.invokeExact(handle, stream, size, wp, hp, sp, cp);
                if (rc != 0) {
                    throw new TileFailure("JPEG header not decodable");
                }
                int jw = wp.get(ValueLayout.JAVA_INT, 0);
                int jh = hp.get(ValueLayout.JAVA_INT, 0);
                int subsamp = sp.get(ValueLayout.JAVA_INT, 0);
                int colorspace = cp.get(ValueLayout.JAVA_INT, 0);
                if (jw != tw || jh != th) {
                    throw new TileFailure("JPEG size differs from the tile size");
                }
                if (colorspace != (rgb ? 0 : 1)) {
                    throw new TileFailure("JPEG colour space is not the TIFF's");
                }
                if (rgb && subsamp != TurboJpeg.SUBSAMPLING_444) {
                    throw new TileFailure("RGB JPEG tile with subsampled components");
                }
                rc = (int) tj.decompress2.invokeExact(handle, stream, size, slot, tw, tw * 3, th,
                    TurboJpeg.PIXEL_FORMAT_RGB, TurboJpeg.FLAGS);
                if (rc != 0) {
                    // A warning (corrupt data libjpeg skipped) would still give pixels; OpenSlide decides what
                    // such a tile looks like, so hand the read over either way.
                    int code = (int) tj.getErrorCode.invokeExact(handle);
                    throw new TileFailure(code == TurboJpeg.ERROR_WARNING ? "JPEG decode warning" : "JPEG decode error");
                }
            } catch (TileFailure e) {
                throw e;
            } catch (Throwable t) {
                throw new TileFailure("TurboJPEG call failed: " + t.getClass().getSimpleName());
            }
        }

        void destroy() {
            if (!destroyed) {
                destroyed = true;
                try {
                    int ignored = (int) tj.destroy.invokeExact(handle);
                } catch (Throwable ignored) {
                    // the handle is gone either way
                }
                cache.releaseBudget();
                arena.close();
            }
        }
    }

    /**
     * Empties every thread's tile cache, keeping its memory: a benchmark's timed reads then start cold, as a stage's
     * first reads of a slide do, whatever its warm-up read. Waits for reads in progress.
     */
    public void forgetCachedTiles() {
        closeLock.writeLock().lock();
        try {
            for (ThreadDecoder d : decoders.values()) {
                d.cache.forget();
            }
        } finally {
            closeLock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            List<RuntimeException> errors = new ArrayList<>();
            for (ThreadDecoder d : decoders.values()) {
                try {
                    d.destroy();
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
            decoders.clear();
            tiff.close();
            openslide.close();
            if (!errors.isEmpty()) {
                throw errors.getFirst();
            }
        } finally {
            closeLock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "JpegTileReader[%s, cache %d tiles/thread]", path(), cacheTiles);
    }
}
