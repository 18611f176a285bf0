package org.slidebatch.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.slidebatch.slide.RgbImage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pool / visit / cycle semantics on in-memory slides (no files, no OpenSlide). */
class PatchStreamTest {

    private static FakeSlide.Spec slide(String id) {
        return FakeSlide.Spec.tissueEverywhere(id, 512, 512);
    }

    private static FakeSlide.Cohort cohort(FakeSlide.Spec... specs) {
        FakeSlide.Cohort c = new FakeSlide.Cohort();
        for (FakeSlide.Spec s : specs) {
            c.add(s);
        }
        return c;
    }

    private static PatchStreamConfig.Builder base() {
        return PatchStreamConfig.builder().poolSize(2).patchesPerSlide(3).patchesPerVisit(1).cycle(false).seed(1)
            .sampler(new RandomSampler(64, -1, 0, null, 0.4, 50, true)).tissue(FakeSlide.notWhite()).maskMaxSide(256)
            .threads(0);
    }

    private static List<PatchResult> take(PatchStreamConfig config, FakeSlide.Cohort c, int max) {
        List<PatchResult> out = new ArrayList<>();
        try (PatchStream s = new PatchStream(config, c.paths, c)) {
            while (out.size() < max && s.hasNext()) {
                out.add(s.next());
            }
        }
        return out;
    }

    private static String ids(List<PatchResult> rs) {
        StringBuilder sb = new StringBuilder();
        for (PatchResult r : rs) {
            sb.append(r.slideId());
        }
        return sb.toString();
    }

    @Test
    void everySlideGetsExactlyItsBudgetWithoutCycle() {
        FakeSlide.Cohort c = cohort(slide("A"), slide("B"), slide("C"));
        PatchStreamConfig config = base().patchesPerSlide(5).build();
        try (PatchStream s = new PatchStream(config, c.paths, c)) {
            List<PatchResult> all = s.stream().toList();
            assertThat(all).hasSize(15);
            assertThat(s.stats().patchesPerSlide()).isEqualTo(Map.of("A", 5L, "B", 5L, "C", 5L));
            assertThat(s.stats().slidesProcessed()).isEqualTo(3);
            assertThat(s.stats().attempts()).isEqualTo(15);
            assertThat(all).extracting(PatchResult::sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L,
                10L, 11L, 12L, 13L, 14L);
            assertThat(s.hasNext()).isFalse();
        }
        assertThat(c.opens("A")).isEqualTo(1);
        assertThat(c.open).isEmpty(); // every reader closed
    }

    @Test
    void roundRobinWithReplacementAtTheEndOfThePool() {
        // wsistream's order: A B A(leaves; C joins at the end, position kept) B(leaves) C C
        FakeSlide.Cohort c = cohort(slide("A"), slide("B"), slide("C"));
        assertThat(ids(take(base().patchesPerSlide(2).build(), c, 100))).isEqualTo("ABABCC");
        assertThat(ids(take(base().poolSize(3).patchesPerSlide(2).build(), c, 100))).isEqualTo("ABCABC");
        // consecutive reads per visit
        FakeSlide.Cohort two = cohort(slide("A"), slide("B"));
        assertThat(ids(take(base().patchesPerSlide(4).patchesPerVisit(2).build(), two, 100))).isEqualTo("AABBAABB");
    }

    @Test
    void cycleRequeuesForeverInOrder() {
        FakeSlide.Cohort c = cohort(slide("A"), slide("B"));
        assertThat(ids(take(base().poolSize(1).patchesPerSlide(2).cycle(true).build(), c, 12)))
            .isEqualTo("AABBAABBAABB");
        assertThat(c.opens("A")).isBetween(3, 4); // the schedule runs up to prefetch attempts ahead
        FakeSlide.Cohort c2 = cohort(slide("A"), slide("B"));
        assertThat(ids(take(base().poolSize(2).patchesPerSlide(2).cycle(true).build(), c2, 12)))
            .isEqualTo("ABABABABABAB");
        // never more copies open than slides, even with a large pool
        FakeSlide.Cohort c3 = cohort(slide("A"), slide("B"));
        assertThat(take(base().poolSize(8).patchesPerSlide(2).cycle(true).build(), c3, 40)).hasSize(40);
        assertThat(c3.maxOpen.get()).isLessThanOrEqualTo(2 + 2);
    }

    @Test
    void randomSlideOrderIsSeeded() {
        FakeSlide.Cohort c = cohort(slide("A"), slide("B"), slide("C"), slide("D"), slide("E"));
        PatchStreamConfig cfg = base().poolSize(1).patchesPerSlide(1).cycle(true).slideSampling("random").build();
        String a = ids(take(cfg, c, 25));
        String b = ids(take(cfg, c, 25));
        assertThat(a).isEqualTo(b);
        for (int pass = 0; pass < 5; pass++) {
            String p = a.substring(pass * 5, pass * 5 + 5);
            assertThat(p.chars().sorted().toArray()).isEqualTo("ABCDE".chars().toArray());
        }
        assertThat(a).isNotEqualTo("ABCDEABCDEABCDEABCDEABCDE");
        assertThat(ids(take(cfg.withSeed(2), c, 25))).isNotEqualTo(a);
    }

    @Test
    void aSlideWhoseWholeBudgetFailsIsBlacklistedForTheCycle() {
        FakeSlide.Cohort c = cohort(slide("A").failing(), slide("B"));
        PatchStreamConfig cfg = base().poolSize(2).patchesPerSlide(3).cycle(true).build();
        try (PatchStream s = new PatchStream(cfg, c.paths, c)) {
            List<PatchResult> got = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                got.add(s.next());
            }
            assertThat(ids(got)).matches("B{30}");
            assertThat(s.stats().blacklisted()).containsExactly("A");
            assertThat(s.stats().failures().get("A")).startsWith("read_failed").contains("simulated read failure");
            assertThat(s.stats().readErrors()).isEqualTo(3); // one whole budget, never reopened
            assertThat(s.stats().slidesFailed()).isEqualTo(1);
        }
        assertThat(c.opens("A")).isEqualTo(1);
    }

    @Test
    void aFullPassOfFailuresEndsTheStreamNamingTheSlides() {
        FakeSlide.Cohort c = cohort(slide("A").failing(), slide("B").failing());
        PatchStreamConfig cfg = base().cycle(true).build();
        try (PatchStream s = new PatchStream(cfg, c.paths, c)) {
            assertThatThrownBy(s::hasNext).isInstanceOf(PatchStreamException.class)
                .hasMessageContaining("A (read_failed").hasMessageContaining("B (read_failed");
            assertThat(s.hasNext()).isFalse();
        }
        assertThat(c.opens("A")).isEqualTo(1);
    }

    @Test
    void aPoolWithoutTissueEndsWithAClearError() {
        FakeSlide.Cohort c = cohort(slide("blank1").withTissue(null), slide("blank2").withTissue(null));
        PatchStreamConfig cfg = base().cycle(true).build();
        try (PatchStream s = new PatchStream(cfg, c.paths, c)) {
            assertThatThrownBy(s::hasNext).isInstanceOf(PatchStreamException.class)
                .hasMessageContaining("no slide in the pool has any tissue").hasMessageContaining("blank1, blank2")
                .satisfies(e -> assertThat(((PatchStreamException) e).failures()).containsOnlyKeys("blank1", "blank2"));
        }
        // one blank slide among good ones is dropped, the others stream
        FakeSlide.Cohort mixed = cohort(slide("blank").withTissue(null), slide("B"));
        try (PatchStream s = new PatchStream(base().cycle(true).build(), mixed.paths, mixed)) {
            for (int i = 0; i < 10; i++) {
                assertThat(s.next().slideId()).isEqualTo("B");
            }
            assertThat(s.stats().failures()).containsEntry("blank", "no_tissue");
        }
        assertThat(mixed.opens("blank")).isEqualTo(1);
    }

    @Test
    void filteredAttemptsCountTowardsTheBudget() {
        FakeSlide.Cohort c = cohort(slide("A"), slide("B"));
        PatchFilter rejectAll = new PatchFilter() {
            @Override
            public boolean accept(RgbImage patch) {
                return false;
            }

            @Override
            public String spec() {
                return "reject";
            }
        };
        try (PatchStream s = new PatchStream(base().patchesPerSlide(4).filter(rejectAll).build(), c.paths, c)) {
            assertThatThrownBy(s::hasNext).isInstanceOf(PatchStreamException.class).hasMessageContaining("all_filtered");
            assertThat(s.stats().patchesFiltered()).isEqualTo(8);
            assertThat(s.stats().attempts()).isEqualTo(8);
        }
        // the HSV filter accepts the pink tissue
        PatchStreamConfig hsv = base().patchesPerSlide(4).filter(PatchFilter.parse("hsv:0.6")).build();
        assertThat(take(hsv, c, 100)).hasSize(8);
    }

    @Test
    void thresholdIsInclusiveInTheStream() {
        // 256×256 slide, tissue exactly on the left half: one 256 px grid cell with fraction 0.5
        FakeSlide.Cohort c = cohort(slide("H").withTissue(new long[] {0, 0, 128, 256}));
        c.specs.replaceAll((p, s) -> new FakeSlide.Spec(s.id(), 256, 256, s.downsamples(), s.mpp(), s.tissue(), false));
        PatchStreamConfig at = base().sampler(new GridSampler(256, 0, 0.5)).build();
        List<PatchResult> got = take(at, c, 10);
        assertThat(got).hasSize(1);
        assertThat(got.getFirst().tissueFraction()).isEqualTo(0.5);
        PatchStreamConfig above = base().sampler(new GridSampler(256, 0, Math.nextUp(0.5))).build();
        assertThatThrownBy(() -> take(above, c, 10)).isInstanceOf(PatchStreamException.class)
            .hasMessageContaining("no slide in the pool has any tissue");
        PatchStreamConfig random = base().patchesPerSlide(20)
            .sampler(new RandomSampler(256, -1, 0, null, 0.5, 50, true)).build();
        assertThat(take(random, c, 100)).hasSize(20).allSatisfy(r -> assertThat(r.x0()).isZero());
    }

    @Test
    void coordinatesLevelsAndMppWithTargetMpp() {
        FakeSlide.Spec big = new FakeSlide.Spec("L", 4000, 3000, new double[] {1, 4, 16}, 0.25,
            new long[] {1000, 500, 3000, 2500}, false);
        FakeSlide.Cohort c = cohort(big);
        PatchStreamConfig cfg = base().patchesPerSlide(50).sampler(new RandomSampler(100, -1, 0, 1.0, 0.4, 50, true))
            .build();
        List<PatchResult> got = take(cfg, c, 100);
        assertThat(got).hasSize(50).allSatisfy(r -> {
            assertThat(r.level()).isEqualTo(1);
            assertThat(r.mpp()).isEqualTo(1.0);
            assertThat(r.coordinate().patchSizeLevel0()).isEqualTo(400);
            assertThat(r.x0()).isBetween(0L, 3600L);
            assertThat(r.y0()).isBetween(0L, 2600L);
            assertThat(r.tissueFraction()).isGreaterThanOrEqualTo(0.4);
            assertThat(r.image().width()).isEqualTo(100);
            assertThat(r.slide().mpp()).isEqualTo(0.25);
        });
    }

    @Test
    void noMppFailsTheSlideUnlessAssumed() {
        FakeSlide.Cohort c = cohort(slide("nompp").withMpp(null).withLevels(1, 4), slide("ok").withLevels(1, 4));
        PatchStreamConfig cfg = base().cycle(true).sampler(new RandomSampler(64, -1, 0, 2.0, 0.4, 50, true)).build();
        try (PatchStream s = new PatchStream(cfg, c.paths, c)) {
            for (int i = 0; i < 9; i++) {
                PatchResult r = s.next();
                assertThat(r.slideId()).isEqualTo("ok");
                assertThat(r.level()).isEqualTo(1); // 0.5 × 4 = 2.0
            }
            assertThat(s.stats().failures().get("nompp")).startsWith("mpp_missing");
        }
        assertThat(c.opens("nompp")).isEqualTo(1); // not retried every pass
        PatchStreamConfig assumed = cfg.toBuilder().assumeMpp(0.5).build();
        List<PatchResult> got = take(assumed, c, 12);
        PatchResult fromNoMpp = got.stream().filter(r -> r.slideId().equals("nompp")).findFirst().orElseThrow();
        assertThat(fromNoMpp.level()).isEqualTo(1);
        assertThat(fromNoMpp.mpp()).isEqualTo(2.0);
        assertThat(fromNoMpp.slide().mppSource()).isEqualTo("assume_mpp");
        // level mode needs no µm/px: the result says so
        PatchResult plain = take(base().build(), cohort(slide("n").withMpp(null)), 1).getFirst();
        assertThat(plain.mpp()).isNull();
        assertThat(plain.level()).isZero();
    }

    @Test
    void withoutReplacementStreamCoversEveryGridCellOnce() {
        FakeSlide.Cohort c = cohort(new FakeSlide.Spec("G", 512, 384, new double[] {1}, 0.5,
            new long[] {0, 0, 512, 384}, false));
        RandomSampler wor = new RandomSampler(128, -1, 0, null, 0.4, 50, false);
        // budget 5 per visit, cycling: the 12 cells come in 3 visits (5 + 5 + 2), then a new shuffle
        List<PatchResult> got = take(base().poolSize(1).patchesPerSlide(5).cycle(true).sampler(wor).build(), c, 24);
        Set<String> first = new HashSet<>();
        Set<String> second = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            (i < 12 ? first : second).add(got.get(i).x0() + "," + got.get(i).y0());
        }
        Set<String> all = new HashSet<>();
        for (int y = 0; y < 384; y += 128) {
            for (int x = 0; x < 512; x += 128) {
                all.add(x + "," + y);
            }
        }
        assertThat(first).isEqualTo(all);
        assertThat(second).isEqualTo(all);
        // without cycle: exactly every cell, then the end
        assertThat(take(base().poolSize(1).patchesPerSlide(100).sampler(wor).build(), c, 100)).hasSize(12);
    }

    @Test
    void sameSeedSameStreamWhateverTheThreads() {
        FakeSlide.Cohort c = cohort(slide("A"), slide("B"), slide("C").failing(), slide("D"));
        PatchStreamConfig cfg = base().poolSize(2).patchesPerSlide(4).cycle(true).seed(123)
            .sampler(new RandomSampler(96, -1, 0, null, 0.4, 50, true))
            .transforms(List.of(new RandomFlipRotate(0.5, 0.5, 0.5), new HedJitter(0.05)))
            .views(List.of(new ViewConfig("g", new RandomResizedCrop(48, 0.3, 1.0), 2),
                new ViewConfig("l", new RandomResizedCrop(24, 0.05, 0.3), 3, List.of(new RandomFlipRotate(0.5, 0.5, 0.5)))))
            .normalization(Normalization.IMAGENET).build();
        List<String> inline = fingerprint(take(cfg.withThreads(0), c, 40));
        List<String> one = fingerprint(take(cfg.withThreads(1), c, 40));
        List<String> two = fingerprint(take(cfg.withThreads(2).toBuilder().prefetch(7).build(), c, 40));
        assertThat(inline).hasSize(40);
        assertThat(one).isEqualTo(inline);
        assertThat(two).isEqualTo(inline);
        assertThat(fingerprint(take(cfg.withSeed(124), c, 40))).isNotEqualTo(inline);
        assertThat(inline.getFirst()).contains("g_0", "g_1", "l_0", "l_2");
    }

    private static List<String> fingerprint(List<PatchResult> rs) {
        List<String> out = new ArrayList<>();
        for (PatchResult r : rs) {
            StringBuilder sb = new StringBuilder(r.slideId() + "@" + r.x0() + "," + r.y0() + "#" + r.visit() + "/" + r.attempt());
            for (Map.Entry<String, PatchPixels> v : r.views().entrySet()) {
                sb.append(' ').append(v.getKey()).append('=').append(v.getValue().tensor().width()).append(':')
                    .append(Arrays.hashCode(v.getValue().tensor().data()));
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void memoryIsBoundedByThePool() {
        FakeSlide.Cohort c = new FakeSlide.Cohort();
        for (int i = 0; i < 12; i++) {
            c.add(slide("S" + i));
        }
        // on the caller's thread: exactly the pool
        assertThat(take(base().poolSize(3).patchesPerSlide(2).cycle(true).build(), c, 60)).hasSize(60);
        assertThat(c.maxOpen.get()).isEqualTo(3);
        // with workers: the pool, two slides opening ahead, and slides that left the pool while reads of theirs
        // are still in flight (at most prefetch = 6 attempts, at least one each: 3 slides of 2 attempts)
        FakeSlide.Cohort d = new FakeSlide.Cohort();
        for (int i = 0; i < 12; i++) {
            d.add(slide("S" + i));
        }
        PatchStreamConfig cfg = base().poolSize(3).patchesPerSlide(2).cycle(true).threads(2).build();
        assertThat(take(cfg, d, 60)).hasSize(60);
        assertThat(d.maxOpen.get()).isLessThanOrEqualTo(3 + 2 + 3);
        assertThat(c.open).isEmpty();
        assertThat(d.open).isEmpty();
    }

    @Test
    void emptySlideListIsRefused() {
        assertThatThrownBy(() -> new PatchStream(base().build(), List.of(), new FakeSlide.Cohort()))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
