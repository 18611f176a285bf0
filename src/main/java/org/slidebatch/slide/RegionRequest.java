package org.slidebatch.slide;

/**
 * An immutable request for a rectangle of pixels. {@code x} and {@code y} are level-0 pixel coordinates
 * (the convention of OpenSlide, CLAM and every coordinate file we write); {@code width} and
 * {@code height} are in pixels of {@code level}.
 */
public record RegionRequest(long x, long y, int level, int width, int height) {

    public RegionRequest {
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, got " + level);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("region size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("region too large for one read: " + width + "x" + height);
        }
    }

    public static RegionRequest square(long x, long y, int level, int size) {
        return new RegionRequest(x, y, level, size, size);
    }
}
