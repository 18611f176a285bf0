package org.slidebatch.tissue;

import java.util.List;

/**
 * The result of CLAM's segmentation of one slide.
 *
 * @param segLevel         the pyramid level that was segmented (after resolving {@code seg_level = -1})
 * @param segDownsampleX   CLAM's downsample of that level: level-0 width / level width
 * @param segDownsampleY   level-0 height / level height
 * @param mask             maskWidth × maskHeight bytes, row-major, 0 or 255: the thresholded and closed
 *                         saturation mask at the seg level (before contour filtering)
 * @param contours         kept tissue contours with their kept holes, level-0 pixels, CLAM's order
 * @param tissueAreaLevel0 Σ over contours of (area of outer − Σ areas of its kept holes), level-0 px²,
 *                         computed on the scaled polygons (OpenCV contourArea)
 * @param tissueFraction   tissueAreaLevel0 / (level-0 width × level-0 height)
 */
public record TissueSegmentation(String slideId, int segLevel, double segDownsampleX, double segDownsampleY,
                                 int maskWidth, int maskHeight, byte[] mask, List<TissueContour> contours,
                                 double tissueAreaLevel0, double tissueFraction) {

    public TissueSegmentation {
        if (mask.length != maskWidth * maskHeight) {
            throw new IllegalArgumentException("mask has " + mask.length + " bytes, expected " + maskWidth + "x" + maskHeight);
        }
        contours = List.copyOf(contours);
    }

    public int holeCount() {
        return contours.stream().mapToInt(c -> c.holes().size()).sum();
    }
}
