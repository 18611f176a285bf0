package org.slidebatch.slide;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One reader shared by several threads must give the bytes that sequential reads give. */
class OpenSlideReaderConcurrencyTest {

    private static final int THREADS = 4;
    private static final int READS_PER_THREAD = 60;

    @BeforeAll
    static void needsOpenSlide() {
        TestSlides.assumeOpenSlide();
    }

    @Test
    void concurrentReadsOnAperioSlide() throws Exception {
        checkConcurrentReads("CMU-1-Small-Region.svs", 11L);
    }

    @Test
    void concurrentReadsOnPyramidAcrossLevels() throws Exception {
        checkConcurrentReads("pyslide_CropBreastSlide.tiff", 12L);
    }

    private static void checkConcurrentReads(String name, long seed) throws Exception {
        try (OpenSlideReader reader = OpenSlideReader.open(TestSlides.slide(name))) {
            SplittableRandom rnd = new SplittableRandom(seed);
            List<List<RegionRequest>> perThread = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                List<RegionRequest> list = new ArrayList<>();
                for (int i = 0; i < READS_PER_THREAD; i++) {
                    int level = rnd.nextInt(reader.levelCount());
                    int w = 16 + rnd.nextInt(240);
                    int h = 16 + rnd.nextInt(240);
                    long x = rnd.nextLong(-32, reader.width());
                    long y = rnd.nextLong(-32, reader.height());
                    list.add(new RegionRequest(x, y, level, w, h));
                }
                perThread.add(list);
            }
            // expected: one thread, one read at a time
            List<List<byte[]>> expected = new ArrayList<>();
            for (List<RegionRequest> list : perThread) {
                List<byte[]> bytes = new ArrayList<>();
                for (RegionRequest r : list) {
                    bytes.add(reader.readRegion(r).rgb());
                }
                expected.add(bytes);
            }

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<byte[]>>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    List<RegionRequest> list = perThread.get(t);
                    futures.add(pool.submit(() -> {
                        start.await();
                        List<byte[]> out = new ArrayList<>();
                        for (RegionRequest r : list) {
                            out.add(reader.readRegion(r).rgb());
                        }
                        return out;
                    }));
                }
                start.countDown();
                for (int t = 0; t < THREADS; t++) {
                    List<byte[]> got = futures.get(t).get(60, TimeUnit.SECONDS);
                    for (int i = 0; i < READS_PER_THREAD; i++) {
                        assertThat(got.get(i))
                            .as("thread %d read %d %s", t, i, perThread.get(t).get(i))
                            .isEqualTo(expected.get(t).get(i));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
