package org.slidebatch.tiling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.support.FakeSlideReader;
import org.slidebatch.tiling.TokenTiler.LevelChoice;
import org.slidebatch.tiling.TokenTiler.Options;
import org.slidebatch.tiling.TokenTiler.Result;
import org.slidebatch.tiling.TokenTiler.Rules;

/** NB10's grading tiles (OSFM-spec §14) as rules of the same tiler: level rule, per-tile coverage, raster budget. */
class GradingTilesTest {

    static final String FP = "0123456789abcdef0123456789abcdef01234567";

    /** Level 0 is tissue (RGB 180,80,150: S ≥ 20, V < 230) where x < {@code tissueRight}, white elsewhere. */
    static final class Painted extends FakeSlideReader {
        final long tissueRight;
        int reads;

        Painted(long w, long h, long tissueRight, double... downsamples) {
            super(levels(w, h, downsamples));
            this.tissueRight = tissueRight;
        }

        static List<LevelInfo> levels(long w, long h, double... ds) {
            return java.util.stream.IntStream.range(0, ds.length)
                .mapToObj(i -> new LevelInfo(i, (long) Math.floor(w / ds[i]), (long) Math.floor(h / ds[i]), ds[i])).toList();
        }

        @Override
        public RgbImage readRegion(RegionRequest q) {
            reads++;
            double ds = level(q.level()).downsample();
            byte[] rgb = new byte[q.width() * q.height() * 3];
            for (int y = 0; y < q.height(); y++) {
                for (int x = 0; x < q.width(); x++) {
                    boolean tissue = q.x() + (long) Math.floor(x * ds) < tissueRight;
                    int o = (y * q.width() + x) * 3;
                    rgb[o] = (byte) (tissue ? 180 : 255);
                    rgb[o + 1] = (byte) (tissue ? 80 : 255);
                    rgb[o + 2] = (byte) (tissue ? 150 : 255);
                }
            }
            return new RgbImage(q.width(), q.height(), rgb);
        }
    }

    @Test
    void levelRuleIsOpenSlidesBestLevelForTheDownsampleNotTheNearestMpp() {
        Painted r = new Painted(8_000, 8_000, 0, 1, 4);
        // base 0.5 µm/px, target 1.5: NB04 takes level 1 (2.0 is 0.5 away, 0.5 is 1.0 away); NB10 asks for
        // downsample 3 and gets level 0.
        assertThat(TokenTiler.chooseLevel(r, 0.5, 1.5)).isEqualTo(new LevelChoice(1, 2.0));
        assertThat(TokenTiler.chooseBestLevelForDownsample(r, 0.5, 1.5)).isEqualTo(new LevelChoice(0, 0.5));
        // PANDA (downsamples 1, 4, 16): base 0.25 → levels 0 (0.25 µm) and 1 (1.0 µm), as OSFM-spec §14 says.
        Painted panda = new Painted(40_000, 40_000, 0, 1, 4, 16);
        assertThat(TokenTiler.chooseBestLevelForDownsample(panda, 0.25, 0.5)).isEqualTo(new LevelChoice(0, 0.25));
        assertThat(TokenTiler.chooseBestLevelForDownsample(panda, 0.25, 2.0)).isEqualTo(new LevelChoice(1, 1.0));
        assertThat(new TokenTiler(Options.defaults().withRules(Rules.NB10)).plan(r, 0.5, 1.5).level()).isZero();
    }

    @Test
    void coverageOnTheTilesOwnPixelsAndTheFirstBudgetTilesOfTheRasterScan() {
        // 1000 × 800 at 0.5 µm/px, tissue where x < 301: grid xs 0,224,448,672 × ys 0,224,448. Tile x=224 holds
        // 77/256 = 0.3008 tissue columns (kept, ≥ 0.30); x ≥ 448 none. The thumbnail mask says "all tissue".
        Options base = new Options(new double[] {0.5}, 256, 32, 0.30, Map.of(0.5, 3), 2048, false);
        Painted r = new Painted(1000, 800, 301, 1);
        Result nb04 = new TokenTiler(base).run("s", r, 0.5, 100, 80, FakeSlides.full(100, 80), 0.5, 1337, FP);
        assertThat(nb04.candidates()).isEqualTo(12);
        assertThat(r.reads).isZero();

        Result nb10 = new TokenTiler(base.withRules(Rules.NB10)).run("s", r, 0.5, 100, 80, FakeSlides.full(100, 80), 0.5, 1337, FP);
        assertThat(nb10.tiles()).extracting(t -> t.levelX() + "," + t.levelY()).containsExactly("0,0", "224,0", "0,224");
        assertThat(nb10.tiles()).extracting(TileCoord::tileIdx).containsExactly(0, 1, 2);
        assertThat(nb10.candidates()).isEqualTo(3);
        // the scan stopped at the third candidate: tiles (0,0) … (0,224) = 5 grid positions read
        assertThat(nb10.gridTiles()).isEqualTo(5);
        assertThat(r.reads).isEqualTo(5);
        assertThat(TokenTiler.tileCoverage(r, 0, 1, 224, 0, 256)).isEqualTo(77 / 256.0);

        Painted narrower = new Painted(1000, 800, 300, 1);
        Result dropped = new TokenTiler(base.withRules(new Rules(TokenTiler.LevelRule.NEAREST, TokenTiler.Coverage.TILE,
            TokenTiler.Selection.SAMPLE))).run("s", narrower, 0.5, 100, 80, FakeSlides.full(100, 80), 0.5, 1337, FP);
        // 76/256 = 0.297 < 0.30: only x = 0 remains, on every row; sample keeps all three (budget 3)
        assertThat(dropped.tiles()).extracting(t -> t.levelX() + "," + t.levelY()).containsExactly("0,0", "0,224", "0,448");
    }

    @Test
    void rasterGivesNoTileOnALevelSmallerThanATile() {
        Painted r = new Painted(200, 150, 200, 1);
        Result nb10 = new TokenTiler(Options.defaults().withRules(Rules.NB10)).run("s", r, 0.5, 200, 150,
            FakeSlides.full(200, 150), 0.5, 1337, FP);
        assertThat(nb10.gridTiles()).isZero();
        assertThat(nb10.tiles()).isEmpty();
        assertThat(new TokenTiler().run("s", r, 0.5, 200, 150, FakeSlides.full(200, 150), 0.5, 1337, FP).tiles()).hasSize(1);
    }

    @Test
    void tileParametersNameTheRulesAndRefuseWhatTheyCannotDo() {
        assertThat(TileParameters.from(params("seed", "1")).rules()).isEqualTo(Rules.NB04);
        assertThat(TileParameters.from(params("seed", "1", "level_rule", "best_for_downsample", "tile_coverage", "tile",
            "tile_selection", "raster")).options()).isEqualTo(Options.defaults().withRules(Rules.NB10));
        assertThatThrownBy(() -> TileParameters.from(params("seed", "1", "tile_coverage", "pixels")))
            .hasMessage("tile_coverage must be one of [mask, tile], got 'pixels'");
        assertThatThrownBy(() -> TileParameters.from(params("seed", "1", "level_rule", "best_for_downsample",
            "resample", "true"))).hasMessageContaining("cannot be combined with resample=true");
    }

    static org.springframework.batch.core.job.parameters.JobParameters params(String... kv) {
        var b = new org.springframework.batch.core.job.parameters.JobParametersBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            b.addString(kv[i], kv[i + 1]);
        }
        return b.toJobParameters();
    }
}
