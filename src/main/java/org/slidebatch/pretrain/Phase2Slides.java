package org.slidebatch.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import com.jerolba.carpet.CarpetReader;
import com.jerolba.carpet.FieldMatchingStrategy;

import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.tiling.TileCoord;

/**
 * Phase 2's input from a workspace: for one slide, the token tiles of the tile step
 * ({@code <tiles>/0.5/<slide>.parquet}, {@code <tiles>/2.0/<slide>.parquet}, the rows phase 1's features were made
 * from), the {@link Phase2Tiles} draw from (seed, slide id), read from the slide file through {@link SlideReader}
 * exactly as the features step reads them, with the same kind of positions as phase 1. A slide without tiles or
 * without a readable file throws {@link IOException} naming the file (the loop skips that update and logs it).
 */
public final class Phase2Slides implements Phase2Run.Slides {

    private final Path tilesDir;
    private final Function<String, Path> slideFiles;
    private final int perSlide;
    private final long seed;
    private final int size;
    private final TokenPositions positions;
    private final ExecutorService readers;

    /**
     * @param slideFiles the slide file of a slide id (the manifest's path), null when the manifest has none
     * @param size       the backbone's input side (224 as NB05)
     */
    public Phase2Slides(Path tilesDir, Function<String, Path> slideFiles, int perSlide, long seed, int size,
                        TokenPositions positions, ExecutorService readers) {
        this.tilesDir = tilesDir;
        this.slideFiles = slideFiles;
        this.perSlide = perSlide;
        this.seed = seed;
        this.size = size;
        this.positions = positions;
        this.readers = readers;
    }

    /** The tiles the slide trains on in every epoch. */
    public Phase2Tiles tiles(String slideId) throws IOException {
        List<TileCoord> fine = read(slideId, 0.5);
        List<TileCoord> coarse = read(slideId, 2.0);
        Phase2Tiles t = Phase2Tiles.choose(slideId, fine, coarse, perSlide, seed);
        if (t.size() == 0) {
            throw new IOException(tilesFile(slideId, 0.5) + " and " + tilesFile(slideId, 2.0) + ": no tiles");
        }
        return t;
    }

    @Override
    public Phase2Run.SlideInput load(String slideId) throws IOException, InterruptedException {
        Phase2Tiles t = tiles(slideId);
        Path file = slideFiles.apply(slideId);
        if (file == null || !Files.isRegularFile(file)) {
            throw new IOException((file == null ? "slide " + slideId + ": no file in the manifest" : file + ": missing"));
        }
        try (SlideReader reader = OpenSlideReader.open(file)) {
            return new Phase2Run.SlideInput(t.read(reader, size, readers), t.size(), size, t.positions(positions));
        } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            throw new IOException(m.contains(file.toString()) ? m : file + ": " + m, e);
        }
    }

    Path tilesFile(String slideId, double scale) {
        return tilesDir.resolve(SlideTokenStore.folder(scale)).resolve(slideId + ".parquet");
    }

    private List<TileCoord> read(String slideId, double scale) throws IOException {
        Path f = tilesFile(slideId, scale);
        if (!Files.isRegularFile(f)) {
            return List.of();
        }
        try {
            return new CarpetReader<>(f.toFile(), TileCoord.class).withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList();
        } catch (RuntimeException e) {
            throw new IOException(f + ": unreadable tile list: " + e.getMessage(), e);
        }
    }
}
