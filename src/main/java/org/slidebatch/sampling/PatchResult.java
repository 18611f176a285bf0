package org.slidebatch.sampling;

import java.util.Map;

/**
 * One streamed patch (wsistream's {@code PatchResult}): either {@code image} (no views configured) or
 * {@code views} (name → pixels, in configuration order, names expanded), never both.
 *
 * @param sequence       0-based position in the stream
 * @param coordinate     level-0 top-left, level, sizes, µm/px at that level, tissue fraction of the mask there
 * @param attempt        0-based read attempt on this slide visit that produced it
 */
public record PatchResult(long sequence, SlideInfo slide, PatchCoordinate coordinate, PatchPixels image,
                          Map<String, PatchPixels> views, int visit, int attempt) {

    public PatchResult {
        views = views == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(views));
        if (image == null && views.isEmpty()) {
            throw new IllegalArgumentException("a patch result needs an image or views");
        }
        if (image != null && !views.isEmpty()) {
            throw new IllegalArgumentException("a patch result has an image or views, not both");
        }
    }

    public String slideId() {
        return slide.slideId();
    }

    public long x0() {
        return coordinate.x();
    }

    public long y0() {
        return coordinate.y();
    }

    public int level() {
        return coordinate.level();
    }

    public Double mpp() {
        return coordinate.mpp();
    }

    public double tissueFraction() {
        return coordinate.tissueFraction();
    }
}
