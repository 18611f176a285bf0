package org.slidebatch.slide;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.synth.SyntheticSlideGenerator;
import org.slidebatch.synth.SyntheticSlideSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tile cache, threads, damaged tiles and the level mapping of the fast reader. */
class JpegTileReaderTest {

    @TempDir
    static Path work;
    static Path slide;

    @BeforeAll
    static void slide() throws Exception {
        TestSlides.assumeOpenSlide();
        assumeTrue(TurboJpeg.isAvailable(), "libturbojpeg.so.0 is not installed (apt-get install libturbojpeg0)");
        slide = work.resolve("cache.svs");
        SyntheticSlideGenerator.write(new SyntheticSlideSpec("fast-cache", 3L, 1500, 1100, 0.5, 20, 0, false, false), slide, 2);
    }

    @Test
    void rasterGridDecodesEachTileOnce() {
        try (JpegTileReader fast = JpegTileReader.open(slide)) {
            int cell = 300;
            int tile = SyntheticSlideGenerator.TILE_SIZE;
            Set<Long> touched = new HashSet<>();
            int reads = 0;
            for (long y = 100; y + cell <= 1100; y += cell) {
                for (long x = 100; x + cell <= 1500; x += cell) {
                    fast.readRegion(RegionRequest.square(x, y, 0, cell));
                    reads++;
                    for (long ty = y / tile; ty <= (y + cell - 1) / tile; ty++) {
                        for (long tx = x / tile; tx <= (x + cell - 1) / tile; tx++) {
                            touched.add(ty * 1000 + tx);
                        }
                    }
                }
            }
            ReadStats.Snapshot s = fast.stats().snapshot();
            assertThat(s.fastReads()).isEqualTo(reads);
            assertThat(s.fallbackReadCount()).isZero();
            assertThat(s.tilesDecoded()).isEqualTo(touched.size());
            // 4 tiles a cell on average, each decoded once: the rest came from the cache
            assertThat(s.tilesDecoded() + s.tileCacheHits()).isGreaterThan(2L * touched.size());
            // three tile rows of level 0 (6 tiles across) plus slack, at least 16
            assertThat(fast.cacheTilesPerThread()).isEqualTo(22);
        }
    }

    @Test
    void forgottenTilesAreDecodedAgainAndGiveTheSamePixels() {
        try (JpegTileReader fast = JpegTileReader.open(slide)) {
            RegionRequest r = RegionRequest.square(300, 200, 0, 500);
            byte[] first = fast.readRegion(r).rgb();
            long decoded = fast.stats().snapshot().tilesDecoded();
            fast.readRegion(r);
            assertThat(fast.stats().snapshot().tilesDecoded()).isEqualTo(decoded);   // all from the cache
            fast.forgetCachedTiles();
            assertThat(fast.readRegion(r).rgb()).isEqualTo(first);
            assertThat(fast.stats().snapshot().tilesDecoded()).isEqualTo(2 * decoded);   // every tile decoded again
        }
    }

    @Test
    void aClosedReaderLeavesNothingOnTheHeapOfTheThreadThatReadIt() throws Exception {
        // A per-slide step reads thousands of slides on a few long-lived worker threads: once closed and dropped, a
        // reader must be collectable, or the heap grows with the cohort (it did: a ThreadLocal kept each one).
        List<java.lang.ref.WeakReference<JpegTileReader>> dropped = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JpegTileReader fast = JpegTileReader.open(slide);
            fast.readRegion(RegionRequest.square(100, 100, 0, 300));   // makes this thread's decoder and tile cache
            fast.close();
            dropped.add(new java.lang.ref.WeakReference<>(fast));
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (dropped.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(dropped).allMatch(r -> r.get() == null, "collected");
    }

    @Test
    void threadsShareNothingButTheFileAndMatchOpenSlide() throws Exception {
        List<RegionRequest> regions = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 48; i++) {
            regions.add(new RegionRequest(rnd.nextLong(-100, 1500), rnd.nextLong(-100, 1100), 0,
                1 + rnd.nextInt(400), 1 + rnd.nextInt(400)));
        }
        List<byte[]> want = new ArrayList<>();
        try (OpenSlideReader os = OpenSlideReader.open(slide)) {
            for (RegionRequest r : regions) {
                want.add(os.readRegion(r).rgb());
            }
        }
        JpegTileReader fast = JpegTileReader.open(slide);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int start = t % 2;
                done.add(pool.submit(() -> {
                    for (int i = start; i < regions.size(); i += 2) { // overlapping halves: every region read twice
                        JpegTileReaderParityTest.compare(slide, regions.get(i), want.get(i), fast.readRegion(regions.get(i)).rgb());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
            fast.close();
        }
        assertThat(fast.stats().snapshot().fallbackReads()).isEmpty();
        assertThat(fast.stats().snapshot().fastReads()).isEqualTo(2L * regions.size());
        assertThatThrownBy(() -> fast.readRegion(RegionRequest.square(0, 0, 0, 8)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        fast.close(); // twice is harmless
    }

    /**
     * A damaged JPEG stream must never take the JVM down: the read goes to OpenSlide (counted), which either
     * gives its pixels or fails with a clear error; reads of undamaged tiles stay fast and exact.
     */
    @Test
    void damagedTilesFallBackOrFailClearly() throws Exception {
        Path damaged = work.resolve("damaged.svs");
        Files.copy(slide, damaged);
        long[] offsets;
        long[] counts;
        try (TiffFile t = TiffFile.open(damaged)) {
            offsets = t.directories().getFirst().tileOffsets();
            counts = t.directories().getFirst().tileByteCounts();
        }
        try (RandomAccessFile f = new RandomAccessFile(damaged.toFile(), "rw")) {
            f.seek(offsets[0] + 2);
            f.write(new byte[40]);                         // tile 0: header gone (zeros where markers were)
            byte[] noise = new byte[200];
            new SplittableRandom(9).nextBytes(noise);
            f.seek(offsets[1] + counts[1] / 2);
            f.write(noise);                                // tile 1: garbage in the entropy-coded data
        }
        RegionRequest intact = new RegionRequest(600, 600, 0, 300, 300);
        byte[] intactWant;
        try (OpenSlideReader os = OpenSlideReader.open(damaged)) {
            intactWant = os.readRegion(intact).rgb();
        }
        try (JpegTileReader fast = JpegTileReader.open(damaged)) {
            assertThatThrownBy(() -> fast.readRegion(RegionRequest.square(10, 10, 0, 50)))
                .isInstanceOf(SlideException.class).hasMessageContaining(damaged.toString())
                .hasMessageContaining("OpenSlide error");
            assertThat(fast.stats().snapshot().fallbackReads()).containsEntry("JPEG header not decodable", 1L);
            // OpenSlide's handle is now in its sticky error state, but our decoder reads intact tiles on
            JpegTileReaderParityTest.compare(damaged, intact, intactWant, fast.readRegion(intact).rgb());
            assertThat(fast.stats().snapshot().fastReads()).isEqualTo(1);
        }
        try (OpenSlideReader os = OpenSlideReader.open(damaged); JpegTileReader fast = JpegTileReader.open(damaged)) {
            RegionRequest r = new RegionRequest(256, 0, 0, 100, 100);
            byte[] want = null;
            String openslideError = null;
            try {
                want = os.readRegion(r).rgb();
            } catch (SlideException e) {
                openslideError = e.getMessage();
            }
            if (openslideError == null) {
                // both decoders are libjpeg-turbo 2.1: the same garbage decodes to the same pixels or is handed over
                JpegTileReaderParityTest.compare(damaged, r, want, fast.readRegion(r).rgb());
            } else {
                assertThatThrownBy(() -> fast.readRegion(r)).isInstanceOf(SlideException.class)
                    .hasMessageContaining(damaged.toString());
            }
        }
    }

    @Test
    void levelOriginIsWholeOnlyWhereOpenSlidePaintsWithoutResampling() {
        assertThat(JpegTileReader.levelOrigin(new RegionRequest(1234, 567, 0, 10, 10), 1.0)).containsExactly(1234, 567);
        assertThat(JpegTileReader.levelOrigin(new RegionRequest(400, -800, 2, 10, 10), 4.0)).containsExactly(100, -200);
        assertThat(JpegTileReader.levelOrigin(new RegionRequest(401, 800, 2, 10, 10), 4.0)).isNull();
        // a typical vips/OpenSlide downsample: only the origin maps to a whole pixel
        assertThat(JpegTileReader.levelOrigin(new RegionRequest(0, 0, 1, 10, 10), 2.0000765)).containsExactly(0, 0);
        assertThat(JpegTileReader.levelOrigin(new RegionRequest(2000, 0, 1, 10, 10), 2.0000765)).isNull();
        // large reads: OpenSlide maps each 4096-px piece on its own; whole downsamples keep the pieces contiguous
        assertThat(JpegTileReader.levelOrigin(new RegionRequest(0, 0, 1, 5000, 10), 2.0)).containsExactly(0, 0);
        assertThat(JpegTileReader.levelOrigin(new RegionRequest(0, 0, 1, 5000, 10), 2.0000765)).isNull();
    }

    @Test
    void damagedTiffStructureIsAClearErrorNamingTheFile() throws Exception {
        Path notTiff = work.resolve("not-a.tiff");
        Files.writeString(notTiff, "hello, not a slide");
        assertThatThrownBy(() -> TiffFile.open(notTiff)).isInstanceOf(SlideException.class)
            .hasMessage(notTiff + ": not a TIFF file (no II/MM byte-order mark)");
        Path pastEnd = work.resolve("past-end.tiff");
        Files.write(pastEnd, new byte[] {'I', 'I', 42, 0, (byte) 0xF0, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> TiffFile.open(pastEnd)).isInstanceOf(SlideException.class)
            .hasMessageStartingWith(pastEnd + ": ").hasMessageContaining("lies outside the file (10 bytes)");
        Path loop = work.resolve("loop.tiff");
        // one directory with no entries whose next-directory pointer is itself
        Files.write(loop, new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0, 8, 0, 0, 0});
        assertThatThrownBy(() -> TiffFile.open(loop)).isInstanceOf(SlideException.class)
            .hasMessageContaining("directory chain loops");
        Path big = work.resolve("big-header-only.tiff");
        Files.write(big, new byte[] {'I', 'I', 43, 0, 4, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> TiffFile.open(big)).isInstanceOf(SlideException.class)
            .hasMessageContaining("BigTIFF header with an offset size other than 8");
    }

    @Test
    void tileCacheRecyclesTheLeastRecentlyUsedSlot() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            TileCache cache = new TileCache(arena, 12, 3, 3);
            java.lang.foreign.MemorySegment[] slots = new java.lang.foreign.MemorySegment[3];
            for (int i = 0; i < 3; i++) {
                slots[i] = cache.acquire();
                cache.put(TileCache.key(0, i), slots[i]);
            }
            assertThat(cache.get(TileCache.key(0, 0))).isSameAs(slots[0]); // 0 is now the most recently used
            java.lang.foreign.MemorySegment reused = cache.acquire();
            assertThat(reused).isSameAs(slots[1]);                         // so tile 1 went
            assertThat(cache.get(TileCache.key(0, 1))).isNull();
            cache.release(reused);                                         // a failed decode gives its slot back
            assertThat(cache.acquire()).isSameAs(reused);
            assertThat(cache.size()).isEqualTo(2);
            assertThat(TileCache.key(1, 5)).isNotEqualTo(TileCache.key(0, 5));
        }
    }

    @Test
    void readStatsDifferencesAndDescription() {
        ReadStats s = ReadStats.newChild();
        ReadStats.Snapshot before = s.snapshot();
        s.fastRead();
        s.fastRead();
        s.tileDecoded();
        s.tileCacheHit();
        s.fallbackRead("missing tile (0 bytes)");
        ReadStats.Snapshot d = s.snapshot().minus(before);
        assertThat(d.fastReads()).isEqualTo(2);
        assertThat(d.fallbackReadCount()).isEqualTo(1);
        assertThat(d.describe()).isEqualTo(
            "reads: fast 2 (tiles decoded 1, cache hits 1), openslide fallback 1 {missing tile (0 bytes)=1}");
        assertThat(s.snapshot().minus(s.snapshot()).isEmpty()).isTrue();
    }

    @Test
    void choiceParsesAndRefusesUnknownValues() {
        assertThat(ReaderChoice.parse(null)).isEqualTo(ReaderChoice.AUTO);
        assertThat(ReaderChoice.parse(" Fast ")).isEqualTo(ReaderChoice.FAST);
        assertThat(ReaderChoice.parse("openslide")).isEqualTo(ReaderChoice.OPENSLIDE);
        assertThatThrownBy(() -> ReaderChoice.parse("libvips"))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("reader must be openslide, fast or auto, got 'libvips'");
    }
}
