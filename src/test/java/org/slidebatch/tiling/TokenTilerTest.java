package org.slidebatch.tiling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.slidebatch.slide.PixelCalibration;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.tiling.TokenTiler.LevelChoice;
import org.slidebatch.tiling.TokenTiler.Options;
import org.slidebatch.tiling.TokenTiler.ReadPlan;
import org.slidebatch.tiling.TokenTiler.Result;

class TokenTilerTest {

    static final String FP = "0123456789abcdef0123456789abcdef01234567";

    // ------------------------------------------------------------------ level choice

    @Test
    void fortyXPyramidGetsLevel0ForHalfMicronAndLevel1ForTwo() {
        SlideReader r = FakeSlides.pyramid(40_000, 30_000, 1, 4, 16);
        assertThat(TokenTiler.chooseLevel(r, 0.25, 0.5)).isEqualTo(new LevelChoice(0, 0.25));
        assertThat(TokenTiler.chooseLevel(r, 0.25, 2.0)).isEqualTo(new LevelChoice(1, 1.0));
    }

    @Test
    void twentyXPyramidHitsBothTargetsExactly() {
        SlideReader r = FakeSlides.pyramid(20_000, 15_000, 1, 4, 16);
        assertThat(TokenTiler.chooseLevel(r, 0.5, 0.5)).isEqualTo(new LevelChoice(0, 0.5));
        assertThat(TokenTiler.chooseLevel(r, 0.5, 2.0)).isEqualTo(new LevelChoice(1, 2.0));
    }

    @Test
    void aTieKeepsTheFinerLevelBecauseTheComparisonIsStrict() {
        // µm/px 0.25, 0.5, 1.0: target 0.75 is 0.25 from both 0.5 and 1.0.
        SlideReader r = FakeSlides.pyramid(8_000, 8_000, 1, 2, 4);
        assertThat(TokenTiler.chooseLevel(r, 0.25, 0.75)).isEqualTo(new LevelChoice(1, 0.5));
        // A tie with level 0 keeps level 0 (OpenSlideFM starts at best_level = 0).
        SlideReader r2 = FakeSlides.pyramid(9_000, 9_000, 1, 3);
        assertThat(TokenTiler.chooseLevel(r2, 1.0, 2.0)).isEqualTo(new LevelChoice(0, 1.0));
    }

    @Test
    void aperioNonIntegerDownsamplesReportTheLevelMpp() {
        SlideReader r = FakeSlides.pyramid(40_000, 30_000, 1, 4.000345, 16.0027);
        LevelChoice c = TokenTiler.chooseLevel(r, 0.2527, 2.0);
        assertThat(c.level()).isEqualTo(1);
        assertThat(c.approxMpp()).isEqualTo(0.2527 * 4.000345);
    }

    @Test
    void resampleReadsTheNextFinerLevelAndResizesToTheExactTarget() {
        Options opt = Options.defaults().withResample(true);
        TokenTiler tiler = new TokenTiler(opt);
        SlideReader forty = FakeSlides.pyramid(40_000, 30_000, 1, 4, 16);
        assertThat(tiler.plan(forty, 0.25, 2.0)).isEqualTo(new ReadPlan(1, 1.0, 2.0, 512, 448, true));
        assertThat(tiler.plan(forty, 0.25, 0.5)).isEqualTo(new ReadPlan(0, 0.25, 0.5, 512, 448, true));
        SlideReader twenty = FakeSlides.pyramid(20_000, 15_000, 1, 4, 16);
        assertThat(tiler.plan(twenty, 0.5, 0.5)).isEqualTo(new ReadPlan(0, 0.5, 0.5, 256, 224, true));
        assertThat(tiler.plan(twenty, 0.5, 2.0)).isEqualTo(new ReadPlan(1, 2.0, 2.0, 256, 224, true));
        // A 10x slide (1.0 µm/px) cannot be read finer than 0.5: level 0, upsized from 128 px.
        SlideReader ten = FakeSlides.pyramid(10_000, 10_000, 1, 4);
        assertThat(tiler.plan(ten, 1.0, 0.5)).isEqualTo(new ReadPlan(0, 1.0, 0.5, 128, 112, true));
        // Without resampling the plan is OpenSlideFM's.
        assertThat(new TokenTiler().plan(forty, 0.25, 0.5)).isEqualTo(new ReadPlan(0, 0.25, 0.25, 256, 224, false));
        assertThat(TokenTiler.chooseLevelForResampling(forty, 0.25, 3.0)).isEqualTo(new LevelChoice(1, 1.0));
    }

    @Test
    void resampledTilesRecordWhatIsRead() {
        TokenTiler tiler = new TokenTiler(Options.defaults().withResample(true));
        SlideReader r = FakeSlides.pyramid(4_000, 4_000, 1, 4);
        Result res = tiler.run("s", r, 0.25, 100, 100, FakeSlides.full(100, 100), 2.0, 1337, FP);
        // level 1 is 1000 px at 1.0 µm/px: read 512, stride 448 → xs 0, 448 (896 > 1000 − 512).
        assertThat(res.tiles()).hasSize(4);
        TileCoord t = res.tiles().get(3);
        assertThat(t.level()).isEqualTo(1);
        assertThat(t.tileSize()).isEqualTo(512);
        assertThat(t.overlap()).isEqualTo(64);
        assertThat(t.approxMpp()).isEqualTo(2.0);
        assertThat(t.levelX()).isEqualTo(448);
        assertThat(t.x0()).isEqualTo(448 * 4);
    }

    // ------------------------------------------------------------------ grid and coverage

    @Test
    void gridCountsAndBoundsOnAFullMask() {
        SlideReader r = FakeSlides.pyramid(1000, 800, 1);
        Result res = new TokenTiler().run("s", r, 0.5, 100, 80, FakeSlides.full(100, 80), 0.5, 1337, FP);
        // xs = range(0, 1000-256+1, 224) = 0,224,448,672; ys = range(0, 800-256+1, 224) = 0,224,448.
        assertThat(res.gridTiles()).isEqualTo(12);
        assertThat(res.candidates()).isEqualTo(12);
        assertThat(res.tiles()).extracting(TileCoord::levelX).containsExactly(0L, 224L, 448L, 672L, 0L, 224L, 448L,
            672L, 0L, 224L, 448L, 672L);
        assertThat(res.tiles()).extracting(TileCoord::levelY).containsExactly(0L, 0L, 0L, 0L, 224L, 224L, 224L,
            224L, 448L, 448L, 448L, 448L);
        assertThat(res.tiles()).allSatisfy(t -> {
            assertThat(t.levelX() + t.tileSize()).isLessThanOrEqualTo(1000);
            assertThat(t.levelY() + t.tileSize()).isLessThanOrEqualTo(800);
            assertThat(t.tileSize()).isEqualTo(256);
            assertThat(t.overlap()).isEqualTo(32);
            assertThat(t.scaleUmPerPx()).isEqualTo(0.5);
            assertThat(t.approxMpp()).isEqualTo(0.5);
        });
        assertThat(res.tiles()).extracting(TileCoord::tileIdx).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }

    @Test
    void levelCoordinatesAreMappedToLevel0ByTheLevelDownsample() {
        SlideReader r = FakeSlides.pyramid(40_000, 4_000, 1, 4.000345);
        Result res = new TokenTiler().run("s", r, 0.25, 200, 20, FakeSlides.full(200, 20), 2.0, 1337, FP);
        assertThat(res.plan().level()).isEqualTo(1);
        TileCoord t = res.tiles().get(1);
        assertThat(t.levelX()).isEqualTo(224);
        assertThat(t.x0()).isEqualTo(Math.round(224 * 4.000345));
        assertThat(t.y0()).isZero();
    }

    @Test
    void aLevelSmallerThanATileGivesOneOverhangingTile() {
        SlideReader r = FakeSlides.pyramid(200, 150, 1);
        Result res = new TokenTiler().run("s", r, 0.5, 200, 150, FakeSlides.full(200, 150), 0.5, 1337, FP);
        assertThat(res.tiles()).singleElement().satisfies(t -> {
            assertThat(t.levelX()).isZero();
            assertThat(t.levelY()).isZero();
        });
    }

    @Test
    void onlyTilesOverTissueAreKept() {
        SlideReader r = FakeSlides.pyramid(1000, 800, 1);
        // tissue in the mask's left 40 columns = level-0 x < 400
        Result res = new TokenTiler().run("s", r, 0.5, 100, 80, FakeSlides.mask(100, 80, 0, 0, 40, 80), 0.5, 1337, FP);
        // x=0: [0,25) all tissue; x=224: [22,48) → 18/26 = 0.69; x=448: [44,70) → 0 → dropped; x=672 dropped.
        assertThat(res.tiles()).extracting(TileCoord::levelX).containsExactly(0L, 224L, 0L, 224L, 0L, 224L);
    }

    @Test
    void lastMaskColumnAndRowCountDeviationFromOpenSlideFm() {
        // Slide 480×256, mask 15×8: sx = sy = 1/32. Tile x=224 maps to mask columns [7, 15), rows [0, 8).
        // Tissue in mask columns 12..14: coverage 3·8/(8·8) = 0.375 here; OpenSlideFM's clamp to maskW−1 / maskH−1
        // would look at columns [7, 14), rows [0, 7) → 2·7/49 = 0.286 and drop the tile.
        SlideReader r = FakeSlides.pyramid(480, 256, 1);
        Result res = new TokenTiler().run("s", r, 0.5, 15, 8, FakeSlides.mask(15, 8, 12, 0, 15, 8), 0.5, 1337, FP);
        assertThat(res.gridTiles()).isEqualTo(2);
        assertThat(res.tiles()).singleElement().extracting(TileCoord::levelX).isEqualTo(224L);
        int[] integral = TokenTiler.integral(FakeSlides.mask(15, 8, 12, 0, 15, 8), 15, 8);
        assertThat(TokenTiler.coverage(integral, 15, 8, 15 / 480.0, 8 / 256.0, 224, 0, 256)).isEqualTo(0.375);
    }

    @Test
    void coverageThresholdIsInclusiveAtExactlyThirtyPercent() {
        // One 256 px tile on a 256×256 slide; mask 10×10 covers it exactly (sx = 10/256, int(256·sx) = 10).
        SlideReader r = FakeSlides.pyramid(256, 256, 1);
        byte[] thirty = FakeSlides.mask(10, 10, 0, 0, 3, 10);          // 30 of 100 pixels
        byte[] twentyNine = thirty.clone();
        twentyNine[9 * 10 + 2] = 0;                                     // 29 of 100
        TokenTiler tiler = new TokenTiler();
        assertThat(tiler.run("s", r, 0.5, 10, 10, thirty, 0.5, 1, FP).tiles()).hasSize(1);
        assertThat(tiler.run("s", r, 0.5, 10, 10, twentyNine, 0.5, 1, FP).tiles()).isEmpty();
    }

    @Test
    void emptyMaskGivesNoTilesNotAnError() {
        SlideReader r = FakeSlides.pyramid(2000, 2000, 1, 4);
        RgbImage thumb = new RgbImage(64, 64, new byte[64 * 64 * 3]);
        List<TileCoord> tiles = new TokenTiler().tile("s", r, 0.5, thumb, new byte[64 * 64], 0.5, 1337, FP);
        assertThat(tiles).isEmpty();
        Result res = new TokenTiler().run("s", r, 0.5, 64, 64, new byte[64 * 64], 2.0, 1337, FP);
        assertThat(res.tiles()).isEmpty();
        assertThat(res.candidates()).isZero();
        assertThat(res.gridTiles()).isEqualTo(4);
    }

    @Test
    void maskSizeMustMatch() {
        SlideReader r = FakeSlides.pyramid(2000, 2000, 1);
        assertThatThrownBy(() -> new TokenTiler().run("s", r, 0.5, 64, 64, new byte[10], 0.5, 1, FP))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64x64");
    }

    // ------------------------------------------------------------------ budget

    private static Result budgeted(String fingerprint, long jobSeed) {
        Options opt = new Options(new double[] {0.5}, 256, 32, 0.30, Map.of(0.5, 10), 2048, false);
        SlideReader r = FakeSlides.pyramid(2048, 2048, 1);       // 9 × 9 = 81 grid tiles
        return new TokenTiler(opt).run("s", r, 0.5, 128, 128, FakeSlides.full(128, 128), 0.5, jobSeed, fingerprint);
    }

    @Test
    void overBudgetSamplesExactlyTheBudgetWithoutDuplicatesInGridOrder() {
        Result res = budgeted(FP, 1337);
        assertThat(res.candidates()).isEqualTo(81);
        assertThat(res.tiles()).hasSize(10);
        Set<List<Long>> seen = new HashSet<>();
        for (TileCoord t : res.tiles()) {
            assertThat(seen.add(List.of(t.levelX(), t.levelY()))).isTrue();
        }
        assertThat(res.tiles()).extracting(TileCoord::tileIdx).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(res.tiles()).extracting(t -> t.levelY() * 10_000 + t.levelX()).isSorted();
        assertThat(res.tiles()).allSatisfy(t -> assertThat(t.seed()).isEqualTo(TokenTiler.stableSeed(1337, FP, 0.5)));
    }

    @Test
    void sameSeedSameSampleDifferentFingerprintOrJobSeedDifferentSample() {
        List<TileCoord> a = budgeted(FP, 1337).tiles();
        assertThat(budgeted(FP, 1337).tiles()).isEqualTo(a);
        assertThat(positions(budgeted(FP.replace('0', 'f'), 1337).tiles())).isNotEqualTo(positions(a));
        assertThat(positions(budgeted(FP, 1338).tiles())).isNotEqualTo(positions(a));
    }

    @Test
    void underBudgetKeepsEverythingInGridOrder() {
        assertThat(TokenTiler.sample(5, 10, 42)).containsExactly(0, 1, 2, 3, 4);
        assertThat(TokenTiler.sample(10, 10, 42)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        int[] s = TokenTiler.sample(1000, 400, 42);
        assertThat(s).hasSize(400).isSorted().doesNotHaveDuplicates();
        assertThat(s[0]).isGreaterThanOrEqualTo(0);
        assertThat(s[399]).isLessThan(1000);
    }

    @Test
    void samplingIsRoughlyUniform() {
        int[] hits = new int[100];
        for (long seed = 0; seed < 2000; seed++) {
            for (int i : TokenTiler.sample(100, 10, seed)) {
                hits[i]++;
            }
        }
        // expected 200 per index; a binomial(2000, 0.1) is within ±70 with overwhelming probability
        for (int h : hits) {
            assertThat(h).isBetween(130, 270);
        }
    }

    private static List<List<Long>> positions(List<TileCoord> tiles) {
        return tiles.stream().map(t -> List.of(t.levelX(), t.levelY())).toList();
    }

    // ------------------------------------------------------------------ seed

    @Test
    void stableSeedIsSha256OfTheTextAndNeverChanges() {
        // printf '1337|0123456789abcdef0123456789abcdef01234567|0.5' | sha256sum → 2a412518eb0523c9…
        assertThat(TokenTiler.stableSeed(1337, FP, 0.5)).isEqualTo(0x2a412518eb0523c9L).isEqualTo(3044755612031591369L);
        // printf '1337|…|2.0' | sha256sum → 823e10b8ba0bd679…
        assertThat(TokenTiler.stableSeed(1337, FP, 2.0)).isEqualTo(0x823e10b8ba0bd679L);
        assertThat(TokenTiler.stableSeed(1337, FP, 0.5)).isNotEqualTo(TokenTiler.stableSeed(1338, FP, 0.5));
    }

    // ------------------------------------------------------------------ µm/px, options, mask

    @Test
    void resolveMppNeverGuesses() {
        PixelCalibration known = new PixelCalibration(0.2527, 0.2531, "openslide.mpp-x");
        assertThat(TokenTiler.resolveMpp(known, 0.5)).hasValue(0.2527);
        assertThat(TokenTiler.resolveMpp(PixelCalibration.missing(), 0.5)).hasValue(0.5);
        assertThat(TokenTiler.resolveMpp(PixelCalibration.missing(), null)).isEmpty();
        assertThat(TokenTiler.resolveMpp(PixelCalibration.missing(), 0.0)).isEmpty();
        assertThat(TokenTiler.resolveMpp(null, null)).isEmpty();
    }

    @Test
    void defaultsAreOpenSlideFmsConstants() {
        Options d = Options.defaults();
        assertThat(d.targetsUmPerPx()).containsExactly(0.5, 2.0);
        assertThat(d.tileSize()).isEqualTo(256);
        assertThat(d.overlap()).isEqualTo(32);
        assertThat(d.stride()).isEqualTo(224);
        assertThat(d.minCoverage()).isEqualTo(0.30);
        assertThat(d.budget(0.5)).isEqualTo(1200);
        assertThat(d.budget(2.0)).isEqualTo(400);
        assertThat(d.maskMaxSide()).isEqualTo(2048);
        assertThat(d.resample()).isFalse();
        assertThat(d).isEqualTo(Options.defaults());
        assertThatThrownBy(() -> new Options(new double[] {1.0}, 256, 32, 0.3, Map.of(0.5, 1), 2048, false))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no token budget");
        assertThatThrownBy(() -> new Options(new double[] {0.5}, 256, 256, 0.3, Map.of(0.5, 1), 2048, false))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
    }

    @Test
    void maskFromThumbnailUsesTheQcTissueRule() {
        byte[] rgb = {
            (byte) 200, 50, (byte) 150,          // pink: tissue
            (byte) 255, (byte) 255, (byte) 255,  // white
            (byte) 240, (byte) 240, (byte) 240,  // V ≥ 230: not tissue
            (byte) 120, 60, 100};                // S ≥ 20, V < 230: tissue
        byte[] m = TokenTiler.maskFromThumbnail(new RgbImage(2, 2, rgb));
        assertThat(m).containsExactly((byte) 255, 0, 0, (byte) 255);
    }
}
