package org.slidebatch.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.PixelCalibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplerTest {

    private static final List<LevelInfo> LEVELS = List.of(
        new LevelInfo(0, 16000, 12000, 1.0), new LevelInfo(1, 4000, 3000, 4.0), new LevelInfo(2, 1000, 750, 16.0));

    private static PixelCalibration mpp(double v) {
        return new PixelCalibration(v, v, "openslide.mpp-x");
    }

    @Test
    void maskFractionIsWsistreamsArithmetic() {
        // 4×4 mask at downsample 10: left half tissue
        byte[] m = new byte[16];
        for (int y = 0; y < 4; y++) {
            m[y * 4] = 1;
            m[y * 4 + 1] = (byte) 255;
        }
        TissueMask mask = new TissueMask(4, 4, m, 10.0, 40, 40);
        assertThat(mask.tissueFraction()).isEqualTo(0.5);
        assertThat(mask.fractionAt(0, 0, 40, 40)).isEqualTo(0.5);
        assertThat(mask.fractionAt(0, 0, 20, 20)).isEqualTo(1.0);
        assertThat(mask.fractionAt(19, 0, 20, 20)).isEqualTo(0.5);   // int(19/10) = 1 → columns 1..2
        assertThat(mask.fractionAt(35, 35, 3, 3)).isEqualTo(0.0);     // max(1, int(3/10)) = 1 pixel
        assertThat(mask.fractionAt(100, 100, 20, 20)).isEqualTo(0.0); // clipped to the last pixel (glass)
        // the threshold itself passes
        assertThat(mask.containsTissue(0, 0, 40, 40, 0.5)).isTrue();
        assertThat(mask.containsTissue(0, 0, 40, 40, Math.nextUp(0.5))).isFalse();
    }

    @Test
    void nearestLevelForTargetMpp() {
        RandomSampler at = new RandomSampler(256, -1, 0, 1.0, 0.4, 50, true);
        assertThat(at.resolveLevel(LEVELS, mpp(0.25), null)).isEqualTo(1);          // 0.25, 1.0, 4.0
        assertThat(withTarget(0.5).resolveLevel(LEVELS, mpp(0.25), null)).isEqualTo(0);
        assertThat(withTarget(2.4).resolveLevel(LEVELS, mpp(0.25), null)).isEqualTo(1);
        assertThat(withTarget(2.6).resolveLevel(LEVELS, mpp(0.25), null)).isEqualTo(2);
        assertThat(withTarget(100).resolveLevel(LEVELS, mpp(0.25), null)).isEqualTo(2);
        // a tie (0.375 either way) goes to the finer level, as wsistream's strict '<'
        assertThat(withTarget(0.625).resolveLevel(LEVELS, mpp(0.25), null)).isEqualTo(0);
        // no target: the level as given, checked
        assertThat(new RandomSampler(256, -1, 2, null, 0.4, 50, true).resolveLevel(LEVELS, null, null)).isEqualTo(2);
        assertThatThrownBy(() -> new RandomSampler(256, -1, 3, null, 0.4, 50, true).resolveLevel(LEVELS, null, null))
            .isInstanceOfSatisfying(SlideFailureException.class, e -> assertThat(e.reason()).isEqualTo("bad_level"));
    }

    @Test
    void noMppFailsUnlessAssumed() {
        RandomSampler s = withTarget(1.0);
        assertThatThrownBy(() -> s.resolveLevel(LEVELS, PixelCalibration.missing(), null))
            .isInstanceOfSatisfying(SlideFailureException.class, e -> assertThat(e.reason()).isEqualTo("mpp_missing"))
            .hasMessageContaining("assume_mpp");
        assertThat(s.resolveLevel(LEVELS, PixelCalibration.missing(), 0.25)).isEqualTo(1);
        assertThat(s.resolveLevel(LEVELS, PixelCalibration.missing(), 0.0625)).isEqualTo(2);
        // level mode never needs µm/px
        assertThat(RandomSampler.defaults().resolveLevel(LEVELS, PixelCalibration.missing(), null)).isEqualTo(0);
    }

    private static RandomSampler withTarget(double t) {
        return new RandomSampler(256, -1, 0, t, 0.4, 50, true);
    }

    private static Sampler.VisitContext context(List<LevelInfo> levels, int level, TissueMask mask, long seed,
                                                Sampler.SlideState state) {
        return new Sampler.VisitContext("s", 0, levels, level, 0.5, mask, new SplittableRandom(seed), state, 9);
    }

    private static TissueMask full(long w, long h, int mw, int mh) {
        byte[] m = new byte[mw * mh];
        java.util.Arrays.fill(m, (byte) 1);
        return new TissueMask(mw, mh, m, Math.max((double) w / mw, (double) h / mh), w, h);
    }

    @Test
    void randomCoordinatesStayInBoundsAndOnTissue() {
        List<LevelInfo> levels = List.of(new LevelInfo(0, 1000, 700, 1.0), new LevelInfo(1, 250, 175, 4.0));
        // tissue only in the right half of the mask
        byte[] m = new byte[100 * 70];
        for (int y = 0; y < 70; y++) {
            for (int x = 50; x < 100; x++) {
                m[y * 100 + x] = 1;
            }
        }
        TissueMask mask = new TissueMask(100, 70, m, 10.0, 1000, 700);
        RandomSampler s = new RandomSampler(40, 500, 1, null, 0.4, 50, true);
        Sampler.Visit v = s.start(context(levels, 1, mask, 3, new Sampler.SlideState()));
        int n = 0;
        for (PatchCoordinate c; (c = v.next()) != null; n++) {
            assertThat(c.patchSizeLevel0()).isEqualTo(160);
            assertThat(c.x()).isBetween(0L, 1000L - 160);
            assertThat(c.y()).isBetween(0L, 700L - 160);
            assertThat(c.level()).isEqualTo(1);
            assertThat(c.tissueFraction()).isGreaterThanOrEqualTo(0.4);
            assertThat(c.x() + 160).isGreaterThan(500); // overlaps the tissue half
        }
        assertThat(n).isEqualTo(500); // num_patches
        assertThat(v.exhaustedReason()).isEqualTo("num_patches");
    }

    @Test
    void gridIsScanOrderFromTopLeft() {
        List<LevelInfo> levels = List.of(new LevelInfo(0, 520, 400, 1.0));
        GridSampler g = new GridSampler(128, 0, 0.4);
        Sampler.Visit v = g.start(context(levels, 0, full(520, 400, 520, 400), 1, new Sampler.SlideState()));
        List<long[]> got = new ArrayList<>();
        for (PatchCoordinate c; (c = v.next()) != null; ) {
            got.add(new long[] {c.x(), c.y()});
        }
        assertThat(got).hasSize(4 * 3);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).containsExactly((i % 4) * 128L, (i / 4) * 128L);
        }
        assertThat(v.exhaustedReason()).isEqualTo("grid_done");
        // overlapping stride
        Sampler.Visit half = new GridSampler(128, 0, 64, 0.4).start(context(levels, 0, full(520, 400, 520, 400), 1,
            new Sampler.SlideState()));
        int n = 0;
        while (half.next() != null) {
            n++;
        }
        assertThat(n).isEqualTo(7 * 5);
    }

    @Test
    void withoutReplacementCoversEveryCellOncePerEpochAcrossVisits() {
        List<LevelInfo> levels = List.of(new LevelInfo(0, 512, 384, 1.0));
        RandomSampler s = new RandomSampler(128, 5, 0, null, 0.4, 50, false); // 5 per visit
        Sampler.SlideState state = new Sampler.SlideState();
        TissueMask mask = full(512, 384, 512, 384);
        List<String> epoch1 = new ArrayList<>();
        List<String> epoch2 = new ArrayList<>();
        for (int visit = 0; visit < 6 && epoch2.size() < 12; visit++) {
            Sampler.Visit v = s.start(context(levels, 0, mask, visit, state));
            for (PatchCoordinate c; (c = v.next()) != null; ) {
                (state.epoch() == 0 && epoch1.size() < 12 ? epoch1 : epoch2).add(c.x() + "," + c.y());
            }
        }
        assertThat(epoch1).hasSize(12).doesNotHaveDuplicates();
        assertThat(epoch2).hasSize(12).doesNotHaveDuplicates();
        assertThat(new java.util.HashSet<>(epoch1)).isEqualTo(new java.util.HashSet<>(epoch2));
        assertThat(epoch1).isNotEqualTo(epoch2); // a new shuffle per epoch
        for (String cell : epoch1) {
            String[] xy = cell.split(",");
            assertThat(Long.parseLong(xy[0]) % 128).isZero();
            assertThat(Long.parseLong(xy[1]) % 128).isZero();
        }
    }
}
