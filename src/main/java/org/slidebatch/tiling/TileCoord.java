package org.slidebatch.tiling;

/**
 * One OpenSlideFM token tile (SPEC §4b), one row of the tokens Parquet.
 *
 * @param slideId       slide id (file name without extension)
 * @param scaleUmPerPx  the nominal target scale (0.5 or 2.0 µm/px), OpenSlideFM's {@code scale_um_per_px}
 * @param level         the pyramid level that is read
 * @param x0            level-0 x of the top-left corner: {@code rint(levelX · downsample)} (Python's
 *                      {@code int(round(x·ds))}, half to even), the coordinate OpenSlide's read_region takes
 * @param y0            level-0 y of the top-left corner
 * @param levelX        x of the top-left corner in pixels of {@code level} (OpenSlideFM's {@code x})
 * @param levelY        y of the top-left corner in pixels of {@code level} (OpenSlideFM's {@code y})
 * @param tileSize      side of the square that is read, in pixels of {@code level} (256 without resampling;
 *                      with {@code resample=true} the read size that is then resized to the configured tile size)
 * @param overlap       overlap of neighbouring tiles in pixels of {@code level} ({@code tileSize − stride})
 * @param approxMpp     µm/px of the pixels the model sees: the level's µm/px without resampling (OpenSlideFM's
 *                      {@code approx_mpp}), the target itself when resampled
 * @param tileIdx       position in the slide's chosen list (0-based)
 * @param seed          the per-(slide, scale) sampling seed {@link TokenTiler#stableSeed}; OpenSlideFM stores its
 *                      global seed 1337 here, we store the seed that actually reproduces the draw
 */
public record TileCoord(String slideId, double scaleUmPerPx, int level, long x0, long y0, long levelX, long levelY,
                        int tileSize, int overlap, double approxMpp, int tileIdx, long seed) {
}
