package org.slidebatch.slide;

import java.util.Locale;
import java.util.Map;

/**
 * Slide thumbnails exactly as openslide-python 1.2 makes them ({@code OpenSlide.get_thumbnail}), for any
 * {@link SlideReader}: the best level for the downsample is read whole, composited with its alpha onto the
 * slide's background colour ({@code openslide.background-color}, white when absent), then shrunk with Pillow's
 * {@code Image.thumbnail(size, LANCZOS)} ({@link PilImaging}). OpenSlideFM's QC metrics and token coverage
 * are computed on these pixels, so ours are too.
 */
public final class Thumbnails {

    public static final String BACKGROUND_PROPERTY = "openslide.background-color";

    private Thumbnails() {
    }

    /** {@code get_thumbnail((maxWidth, maxHeight))}: the result fits in the box, aspect preserved. */
    public static RgbImage openslidePython(SlideReader reader, int maxWidth, int maxHeight) {
        if (maxWidth < 1 || maxHeight < 1) {
            throw new IllegalArgumentException(reader.path() + ": thumbnail size must be positive, got " + maxWidth + "x" + maxHeight);
        }
        double downsample = Math.max((double) reader.width() / maxWidth, (double) reader.height() / maxHeight);
        int level = reader.bestLevelForDownsample(downsample);
        LevelInfo info = reader.level(level);
        RgbaImage tile = reader.readRegionRgba(
            new RegionRequest(0, 0, level, Math.toIntExact(info.width()), Math.toIntExact(info.height())));
        RgbImage canvas = PilImaging.compositeOver(tile.width(), tile.height(), tile.rgba(), background(reader));
        return PilImaging.thumbnail(canvas, maxWidth, maxHeight, PilImaging.Filter.LANCZOS);
    }

    /**
     * OpenSlideFM's thumbnail of at most {@code maxSide} px on the long side (NB03/NB04):
     * the requested size is {@link #targetSize} and the pixels are {@link #openslidePython}'s.
     */
    public static RgbImage maxSide(SlideReader reader, int maxSide) {
        int[] t = targetSize(reader.width(), reader.height(), maxSide);
        return openslidePython(reader, t[0], t[1]);
    }

    /**
     * OpenSlideFM's requested thumbnail size: {@code scale = max(w, h) / maxSide} when the slide is larger,
     * else 1; {@code (int(w / scale), int(h / scale))}, at least 1 (OpenSlideFM would divide by zero there).
     */
    public static int[] targetSize(long width, long height, int maxSide) {
        if (maxSide < 1) {
            throw new IllegalArgumentException("thumbnail max side must be positive, got " + maxSide);
        }
        double longSide = Math.max(width, height);
        double scale = longSide > maxSide ? longSide / maxSide : 1.0;
        return new int[] {(int) Math.max(1, (long) (width / scale)), (int) Math.max(1, (long) (height / scale))};
    }

    /** The slide's background colour as 0xRRGGBB: {@code openslide.background-color} (hex), else white. */
    public static int background(SlideReader reader) {
        return background(reader.properties());
    }

    static int background(Map<String, String> properties) {
        String hex = properties.get(BACKGROUND_PROPERTY);
        if (hex == null) {
            return 0xffffff;
        }
        String h = hex.strip().toLowerCase(Locale.ROOT);
        if (h.length() == 3) {
            h = "" + h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2);
        }
        if (h.length() != 6) {
            throw new IllegalArgumentException(BACKGROUND_PROPERTY + " is not a hex colour: '" + hex + "'");
        }
        try {
            return Integer.parseInt(h, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(BACKGROUND_PROPERTY + " is not a hex colour: '" + hex + "'", e);
        }
    }
}
