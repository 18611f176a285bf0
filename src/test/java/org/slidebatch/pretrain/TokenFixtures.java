package org.slidebatch.pretrain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.slidebatch.model.Npy;
import org.slidebatch.tiling.CoordinateFiles;
import org.slidebatch.tiling.TileCoord;

/** Feature-step outputs for a small synthetic cohort: features/<scale>/<id>.npy and tiles/<scale>/<id>.parquet. */
final class TokenFixtures {

    private TokenFixtures() {
    }

    /**
     * Slides whose tokens are a slide-specific mean plus noise (so that views of one slide resemble each other more
     * than other slides: something for BYOL to learn), {@code n05}/{@code n20} tokens varying per slide.
     */
    static List<String> cohort(Path ws, int slides, int dim, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> ids = new ArrayList<>();
        for (int s = 0; s < slides; s++) {
            String id = String.format("slide-%02d", s);
            ids.add(id);
            float[] mean = new float[dim];
            for (int k = 0; k < dim; k++) {
                mean[k] = (float) r.nextGaussian();
            }
            for (double scale : SlideTokenStore.SCALES) {
                int n = scale == 0.5 ? 6 + r.nextInt(6) : 2 + r.nextInt(3);
                float[] f = new float[n * dim];
                List<TileCoord> tiles = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < dim; k++) {
                        f[i * dim + k] = mean[k] + 0.5f * (float) r.nextGaussian();
                    }
                    long lx = 224L * i;
                    long ly = 224L * (i % 3);
                    double approx = scale == 0.5 ? 0.25 : 1.0;
                    tiles.add(new TileCoord(id, scale, scale == 0.5 ? 0 : 1, lx * (scale == 0.5 ? 1 : 4), ly * (scale == 0.5 ? 1 : 4),
                        lx, ly, 256, 32, approx, i, 1337));
                }
                Path dir = ws.resolve("features").resolve(SlideTokenStore.folder(scale));
                java.nio.file.Files.createDirectories(dir);
                Npy.writeFloat16(dir.resolve(id + ".npy"), f, n, dim);
                Path tdir = ws.resolve("tiles").resolve(SlideTokenStore.folder(scale));
                java.nio.file.Files.createDirectories(tdir);
                CoordinateFiles.writeTokensParquet(tdir.resolve(id + ".parquet"), tiles);
            }
        }
        return ids;
    }

    static SlideTokenStore store(Path ws) {
        return new SlideTokenStore(ws.resolve("features"), ws.resolve("tiles"), TokenPositions.PHYSICAL);
    }
}
