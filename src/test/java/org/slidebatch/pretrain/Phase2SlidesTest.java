package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.features.SlideFeatures;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.TestCohorts;
import org.slidebatch.tiling.CoordinateFiles;
import org.slidebatch.tiling.TileCoord;

/** Phase 2's workspace input on a generated slide: the drawn tiles, read as the features step reads them. */
class Phase2SlidesTest {

    @TempDir
    Path dir;

    static List<TileCoord> tiles(String slide, double scale, int n) {
        List<TileCoord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TileCoord(slide, scale, 0, 64L * i, 32, 64L * i, 32, 128, 0, scale == 0.5 ? 0.5 : 2.0, i, 1));
        }
        return out;
    }

    @Test
    void drawnTilesAreReadAsTheFeaturesStepReadsThemWithPhase1Positions() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        Path cohort = TestCohorts.small(dir.resolve("cohort"), 1, 29);
        Path slide;
        try (Stream<Path> s = Files.walk(cohort)) {
            slide = s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".csv")).sorted().findFirst().orElseThrow();
        }
        Path tilesDir = dir.resolve("tiles");
        List<TileCoord> fine = tiles("s1", 0.5, 5);
        List<TileCoord> coarse = tiles("s1", 2.0, 3);
        CoordinateFiles.writeTokensParquet(tilesDir.resolve("0.5/s1.parquet"), fine);
        CoordinateFiles.writeTokensParquet(tilesDir.resolve("2.0/s1.parquet"), coarse);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            Phase2Slides source = new Phase2Slides(tilesDir, id -> id.equals("s1") ? slide : null, 4, 13, 32,
                TokenPositions.PHYSICAL, readers);
            Phase2Tiles expected = Phase2Tiles.choose("s1", fine, coarse, 4, 13);
            assertThat(source.tiles("s1")).isEqualTo(expected);
            assertThat(expected.tiles()).extracting(TileCoord::scaleUmPerPx).containsExactly(0.5, 0.5, 0.5, 2.0);
            Phase2Run.SlideInput in = source.load("s1");
            assertThat(in.tiles()).isEqualTo(4);
            assertThat(in.size()).isEqualTo(32);
            try (OpenSlideReader r = OpenSlideReader.open(slide)) {
                assertThat(in.pixels()).isEqualTo(SlideFeatures.pixels(r, expected.tiles(), 32, readers));
            }
            assertThat(in.positions()).isEqualTo(expected.positions(TokenPositions.PHYSICAL));

            assertThatThrownBy(() -> source.load("s2")).isInstanceOf(IOException.class)
                .hasMessageContaining("s2.parquet").hasMessageContaining("no tiles");
            CoordinateFiles.writeTokensParquet(tilesDir.resolve("0.5/s3.parquet"), tiles("s3", 0.5, 2));
            assertThatThrownBy(() -> source.load("s3")).isInstanceOf(IOException.class)
                .hasMessage("slide s3: no file in the manifest");
            Path notASlide = cohort.resolve("labels.csv");
            Phase2Slides wrong = new Phase2Slides(tilesDir, id -> notASlide, 4, 13, 32, TokenPositions.PHYSICAL, readers);
            assertThatThrownBy(() -> wrong.load("s1")).isInstanceOf(IOException.class)
                .hasMessageStartingWith(notASlide + ": not a slide format");
        } finally {
            readers.shutdownNow();
        }
    }
}
