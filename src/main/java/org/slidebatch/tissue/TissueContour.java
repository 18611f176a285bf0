package org.slidebatch.tissue;

import java.util.List;

/**
 * One tissue region as CLAM keeps it after {@code scaleContourDim}/{@code scaleHolesDim}: the outer boundary
 * and its kept holes, each a list of {x, y} points in level-0 pixels, in OpenCV's tracing order
 * (CHAIN_APPROX_NONE: every boundary pixel), not closed (the first point is not repeated). Holes are in
 * CLAM's order: by area, largest first.
 */
public record TissueContour(int[][] outer, List<int[][]> holes) {

    public TissueContour {
        holes = List.copyOf(holes);
    }
}
