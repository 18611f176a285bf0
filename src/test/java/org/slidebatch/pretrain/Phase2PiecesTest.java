package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slidebatch.model.train.CosineWarmup;
import org.slidebatch.tiling.TileCoord;

/** Phase-2 tile choice, mask and two-group schedule, without a model. */
class Phase2PiecesTest {

    static List<TileCoord> tiles(String slide, double scale, int n) {
        List<TileCoord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TileCoord(slide, scale, 0, i * 256L, 512L, i * 256L, 512L, 256, 0, scale, i, 1));
        }
        return out;
    }

    @Test
    void seventyTwoFinePlusTwentyFourCoarseTheSameEveryTimeAndPerSlide() {
        var fine = tiles("s", 0.5, 300);
        var coarse = tiles("s", 2.0, 50);
        Phase2Tiles a = Phase2Tiles.choose("s", fine, coarse, 96, 13);
        Phase2Tiles b = Phase2Tiles.choose("s", fine, coarse, 96, 13);
        assertThat(a.size()).isEqualTo(96);
        assertThat(a.tiles().subList(0, 72)).allSatisfy(t -> assertThat(t.scaleUmPerPx()).isEqualTo(0.5));
        assertThat(a.tiles().subList(72, 96)).allSatisfy(t -> assertThat(t.scaleUmPerPx()).isEqualTo(2.0));
        assertThat(new HashSet<>(a.tiles())).hasSize(96); // without replacement
        assertThat(b.tiles()).isEqualTo(a.tiles());       // every epoch, every restart
        assertThat(Phase2Tiles.choose("s", fine, coarse, 96, 14).tiles()).isNotEqualTo(a.tiles());
        assertThat(Phase2Tiles.choose("other", tiles("other", 0.5, 300), tiles("other", 2.0, 50), 96, 13).tiles())
            .extracting(TileCoord::tileIdx).isNotEqualTo(a.tiles().stream().map(TileCoord::tileIdx).toList());
    }

    @Test
    void aSmallSlideGivesWhatItHasAsOpenSlideFm() {
        // n5 = min(72, 10) = 10, n2 = min(96 − 10, 30) = 30
        Phase2Tiles t = Phase2Tiles.choose("s", tiles("s", 0.5, 10), tiles("s", 2.0, 30), 96, 13);
        assertThat(t.size()).isEqualTo(40);
        assertThat(t.tiles().stream().filter(x -> x.scaleUmPerPx() == 0.5)).hasSize(10);
        // positions: ((x + 256/2) · s / 1000, (y + 128) · s / 1000, s)
        TileCoord first = t.tiles().getFirst();
        float[] p = t.positions(TokenPositions.NOMINAL);
        assertThat(p[0]).isEqualTo((float) ((first.levelX() + 128) * 0.5 / 1000));
        assertThat(p[1]).isEqualTo((float) ((512 + 128) * 0.5 / 1000));
        assertThat(p[2]).isEqualTo(0.5f);
        // physical (phase 1's default): the µm/px of the level read, here a 40× slide's 0.2526 for the 0.5 scale
        Phase2Tiles scanned = new Phase2Tiles("s", 13, List.of(new TileCoord("s", 0.5, 0, 1000, 512, 1000, 512, 256, 0, 0.2526, 0, 1)));
        assertThat(scanned.positions(TokenPositions.PHYSICAL))
            .containsExactly((float) (1128 * 0.2526 / 1000), (float) (640 * 0.2526 / 1000), 0.2526f);
        assertThat(scanned.positions(TokenPositions.NOMINAL))
            .containsExactly((float) (1128 * 0.5 / 1000), (float) (640 * 0.5 / 1000), 0.5f);
    }

    @Test
    void maskOfAQuarterRoundedHalfToEvenAtLeastOne() {
        assertThat(count(Phase2Step.mask(96, 0.25, Phase2Step.maskRandom(13, 1)))).isEqualTo(24);
        assertThat(count(Phase2Step.mask(6, 0.25, Phase2Step.maskRandom(13, 1)))).isEqualTo(2);   // round(1.5) = 2
        assertThat(count(Phase2Step.mask(10, 0.25, Phase2Step.maskRandom(13, 1)))).isEqualTo(2);  // round(2.5) = 2
        assertThat(count(Phase2Step.mask(1, 0.25, Phase2Step.maskRandom(13, 1)))).isEqualTo(1);
        assertThat(Phase2Step.mask(96, 0.25, Phase2Step.maskRandom(13, 7)))
            .isEqualTo(Phase2Step.mask(96, 0.25, Phase2Step.maskRandom(13, 7)));
    }

    static int count(boolean[] m) {
        int n = 0;
        for (boolean b : m) {
            n += b ? 1 : 0;
        }
        return n;
    }

    @Test
    void twoGroupsWarmUpThenOneCosineOverTheRealNumberOfPhase2Steps() {
        // 2 epochs × 1,000 slides = 2,000 updates (OpenSlideFM sizes it 2·(1000//3 + 1) = 668)
        Phase2Schedule s = Phase2Schedule.of(1.5e-4, 0.1, 200, 2, 1000, false);
        assertThat(s.totalSteps()).isEqualTo(2000);
        assertThat(Phase2Schedule.openSlideFmTotal(2, 1000)).isEqualTo(668);
        assertThat(s.aggregatorLr(1)).isCloseTo(1.5e-4 / 200, within(1e-18));
        assertThat(s.backboneLr(1)).isCloseTo(1.5e-5 / 200, within(1e-18));
        assertThat(s.aggregatorLr(200)).isCloseTo(1.5e-4, within(1e-18));
        assertThat(s.aggregatorLr(1100)).isCloseTo(0.75e-4, within(1e-12)); // half-way through the cosine
        assertThat(s.aggregatorLr(2000)).isCloseTo(0, within(1e-18));
        double previous = Double.MAX_VALUE;
        for (long t = 200; t <= 2000; t++) {
            double lr = s.aggregatorLr(t);
            assertThat(lr).isLessThanOrEqualTo(previous);   // never rises again after the warm-up
            assertThat(s.backboneLr(t)).isCloseTo(lr * 0.1, within(1e-18));
            previous = lr;
        }
        // OpenSlideFM's schedule (the formula continues past its end): 0 at ≈ its total, full again at ≈ 2× — the bug fixed
        double osfmAt1136 = 0.5 * (1 + Math.cos(Math.PI * (1136 - 200) / (668 - 200.0)));
        assertThat(osfmAt1136).isCloseTo(1.0, within(1e-12));
        assertThat(s.aggregatorLr(1136)).isLessThan(0.7 * 1.5e-4);
        // the first update at the full lr, OpenSlideFM's order of stepping (the same switch as phase 1)
        assertThat(Phase2Schedule.of(1.5e-4, 0.1, 200, 2, 1000, true).aggregatorLr(1)).isEqualTo(1.5e-4);
        assertThat(new CosineWarmup(1, 200, 2000, false).lr(2000)).isCloseTo(0, within(1e-15));
    }
}
