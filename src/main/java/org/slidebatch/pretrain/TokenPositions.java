package org.slidebatch.pretrain;

import java.util.Locale;

import org.slidebatch.tiling.TileCoord;

/**
 * The positional input of a token, (cx_mm, cy_mm, scale_um), from its tile.
 *
 * <ul>
 *   <li>{@link #PHYSICAL} (default): the tile centre in millimetres on the slide and the µm/px the model saw:
 *       {@code ((level_x + tile/2) · approx_mpp / 1000, …, approx_mpp)}, where {@code approx_mpp} is the µm/px of the
 *       level that was read. Exact for tiles read without resampling (the tile step's default).</li>
 *   <li>{@link #NOMINAL}: OpenSlideFM's formula (OSFM-spec §8b): level pixels times the <em>nominal</em> scale
 *       (0.5 or 2.0), and the nominal scale as the third input: wrong by approx_mpp/nominal on 40× slides
 *       (spec §17.2), but what OpenSlideFM-trained weights expect.</li>
 * </ul>
 */
public enum TokenPositions {
    PHYSICAL, NOMINAL;

    public static TokenPositions parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("positions must be physical or nominal, got '" + s + "'");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Writes cx_mm, cy_mm, scale_um of {@code tile} at {@code out[at..at+2]}. */
    public void write(TileCoord tile, float[] out, int at) {
        double umPerPx = this == PHYSICAL ? tile.approxMpp() : tile.scaleUmPerPx();
        out[at] = (float) ((tile.levelX() + tile.tileSize() / 2.0) * umPerPx / 1000.0);
        out[at + 1] = (float) ((tile.levelY() + tile.tileSize() / 2.0) * umPerPx / 1000.0);
        out[at + 2] = (float) umPerPx;
    }
}
