package org.slidebatch.support;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;

/**
 * A pyramid without a file, for algorithm tests: levels as given, OpenSlide's best-level rule, no properties.
 * Pixel reads fail unless a subclass says what they return, so a test proves what code reads (or does not).
 */
public class FakeSlideReader implements SlideReader {

    private final List<LevelInfo> levels;

    public FakeSlideReader(List<LevelInfo> levels) {
        this.levels = List.copyOf(levels);
    }

    @Override
    public Path path() {
        return Path.of("fake.svs");
    }

    @Override
    public String readerName() {
        return "fake";
    }

    @Override
    public String vendor() {
        return "fake";
    }

    @Override
    public List<LevelInfo> levels() {
        return levels;
    }

    /** OpenSlide: the largest level whose downsample does not exceed the request. */
    @Override
    public int bestLevelForDownsample(double downsample) {
        int best = 0;
        for (LevelInfo l : levels) {
            if (l.downsample() <= downsample) {
                best = l.level();
            }
        }
        return best;
    }

    @Override
    public Map<String, String> properties() {
        return Map.of();
    }

    @Override
    public Set<String> associatedImageNames() {
        return Set.of();
    }

    @Override
    public BufferedImage readAssociatedImage(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RgbImage readRegion(RegionRequest request) {
        throw new AssertionError("this test must not read pixels: " + request);
    }

    @Override
    public RgbImage thumbnail(int maxSide) {
        throw new AssertionError("this test must not read a thumbnail");
    }

    @Override
    public void close() {
    }
}
