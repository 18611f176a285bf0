package org.slidebatch.slide;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read access to one whole-slide image (QuPath's ImageServer idea, reduced to what the pipeline needs).
 * Implementations are safe for concurrent reads from several threads; {@link #close()} waits for reads
 * in flight and makes every later call fail.
 */
public interface SlideReader extends AutoCloseable {

    Path path();

    /** Short name of the implementation, e.g. {@code openslide}; benchmarks report it. */
    String readerName();

    /** Vendor as OpenSlide names it ({@code aperio}, {@code generic-tiff}, ...). */
    String vendor();

    List<LevelInfo> levels();

    default int levelCount() {
        return levels().size();
    }

    default LevelInfo level(int level) {
        List<LevelInfo> all = levels();
        if (level < 0 || level >= all.size()) {
            throw new IllegalArgumentException(path() + ": level " + level + " does not exist (slide has " + all.size() + ")");
        }
        return all.get(level);
    }

    default long width() {
        return levels().getFirst().width();
    }

    default long height() {
        return levels().getFirst().height();
    }

    /** The level OpenSlide would read for this downsample: the largest level whose downsample is below it. */
    int bestLevelForDownsample(double downsample);

    Map<String, String> properties();

    Set<String> associatedImageNames();

    BufferedImage readAssociatedImage(String name);

    /** RGB pixels of the region; pixels outside the scanned area are white. */
    RgbImage readRegion(RegionRequest request);

    /**
     * The region as openslide-python's {@code read_region} returns it: RGBA, not premultiplied, {@code (0,0,0,0)}
     * outside the scanned area. The default is {@link #readRegion}'s pixels made opaque, which gives the same
     * thumbnails for slides without partly transparent pixels on a white background; readers of slides with
     * transparency override it.
     */
    default RgbaImage readRegionRgba(RegionRequest request) {
        return RgbaImage.opaque(readRegion(request));
    }

    /**
     * OpenSlideFM's thumbnail: long side at most {@code maxSide} px, pixels equal to openslide-python's
     * {@code get_thumbnail} (see {@link Thumbnails}).
     */
    default RgbImage thumbnail(int maxSide) {
        return Thumbnails.maxSide(this, maxSide);
    }

    /**
     * openslide-python's {@code get_thumbnail((maxWidth, maxHeight))}: fits the box, aspect preserved (wsistream asks
     * for a square box, e.g. 2048 × 2048).
     */
    default RgbImage thumbnail(int maxWidth, int maxHeight) {
        return Thumbnails.openslidePython(this, maxWidth, maxHeight);
    }

    default PixelCalibration calibration() {
        return PixelCalibration.fromProperties(properties());
    }

    @Override
    void close();
}
