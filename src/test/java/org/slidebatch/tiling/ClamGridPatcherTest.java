package org.slidebatch.tiling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.tiling.ClamGridPatcher.GridParams;
import org.slidebatch.tissue.TissueContour;
import org.slidebatch.tissue.TissueSegmentation;

class ClamGridPatcherTest {

    static final long BIG = 1_000_000;

    /** A polygon from vertices, shifted by (dx, dy). */
    static int[][] poly(int dx, int dy, int... xy) {
        int[][] p = new int[xy.length / 2][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new int[] {xy[2 * i] + dx, xy[2 * i + 1] + dy};
        }
        return p;
    }

    static TissueContour contour(int[][] outer, int[][]... holes) {
        return new TissueContour(outer, List.of(holes));
    }

    static int[][] square(int x0, int y0, int x1, int y1) {
        return poly(0, 0, x0, y0, x1, y0, x1, y1, x0, y1);
    }

    static List<List<Long>> asList(List<long[]> coords) {
        List<List<Long>> out = new ArrayList<>();
        for (long[] c : coords) {
            out.add(List.of(c[0], c[1]));
        }
        return out;
    }

    static List<List<Long>> grid(List<TissueContour> contours, String fn, boolean padding, long imgW, long imgH,
                                 int patch, int step) {
        return asList(ClamGridPatcher.coords(contours, imgW, imgH, 1, 1, new GridParams(patch, step, 0, fn, padding),
            false));
    }

    /**
     * Five contours, each with exactly one candidate (bbox ≤ 100 px, patch 100: half 50, shift 25), far apart:
     * A: tiny square [30,40]² → candidate (30,30): only the top-left corner is inside (basic).
     * B: triangle (0,0),(90,0),(0,90): corner in, centre (50,50) out, (25,25) in → basic, four_pt.
     * C: square [0,99]²: everything in.
     * D: diamond around (50,50) radius 50: corner (0,0) out, centre and all four points in (on the edge counts).
     * E: square [0,60]²: corner, centre, (25,25) in; (75,75) out → basic, center, four_pt, not four_pt_hard.
     */
    static final List<TissueContour> FIVE = List.of(
        contour(square(30, 30, 40, 40)),
        contour(poly(1000, 0, 0, 0, 90, 0, 0, 90)),
        contour(poly(2000, 0, 0, 0, 99, 0, 99, 99, 0, 99)),
        contour(poly(3000, 0, 50, 0, 100, 50, 50, 100, 0, 50)),
        contour(poly(4000, 0, 0, 0, 60, 0, 60, 60, 0, 60)));

    @Test
    void contourChecksDifferAsClamDefinesThem() {
        // D's bbox is 101 px wide: its other candidates (100, *) lie outside for every check.
        assertThat(grid(FIVE, "basic", true, BIG, BIG, 100, 100))
            .containsExactly(List.of(30L, 30L), List.of(1000L, 0L), List.of(2000L, 0L), List.of(4000L, 0L));
        assertThat(grid(FIVE, "center", true, BIG, BIG, 100, 100))
            .containsExactly(List.of(2000L, 0L), List.of(3000L, 0L), List.of(4000L, 0L));
        assertThat(grid(FIVE, "four_pt", true, BIG, BIG, 100, 100))
            .containsExactly(List.of(1000L, 0L), List.of(2000L, 0L), List.of(3000L, 0L), List.of(4000L, 0L));
        assertThat(grid(FIVE, "four_pt_hard", true, BIG, BIG, 100, 100))
            .containsExactly(List.of(2000L, 0L), List.of(3000L, 0L));
    }

    @Test
    void clamOrderIsContourByContourThenXOuterYInner() {
        List<TissueContour> two = List.of(contour(square(0, 0, 299, 199)), contour(square(1000, 0, 1199, 99)));
        assertThat(grid(two, "four_pt", true, BIG, BIG, 100, 100)).containsExactly(
            List.of(0L, 0L), List.of(0L, 100L), List.of(100L, 0L), List.of(100L, 100L), List.of(200L, 0L),
            List.of(200L, 100L), List.of(1000L, 0L), List.of(1100L, 0L));
    }

    @Test
    void boundingRectIsInclusiveOfTheLastPixel() {
        assertThat(ClamGridPatcher.boundingRect(square(10, 20, 109, 219))).containsExactly(10, 20, 100, 200);
        // bbox width 100 → range(0, 100, 100) = one column; width 101 → two.
        assertThat(grid(List.of(contour(square(0, 0, 99, 99))), "basic", true, BIG, BIG, 100, 100)).hasSize(1);
        assertThat(grid(List.of(contour(square(0, 0, 100, 100))), "basic", true, BIG, BIG, 100, 100)).hasSize(4);
    }

    @Test
    void aPatchWhoseCentreIsStrictlyInsideAHoleIsRejected() {
        int[][] outer = square(0, 0, 299, 299);
        assertThat(grid(List.of(contour(outer)), "four_pt", true, BIG, BIG, 100, 100)).hasSize(9);
        // centre of candidate (100,100) is (150,150), strictly inside this hole
        List<List<Long>> holed = grid(List.of(contour(outer, square(140, 140, 160, 160))), "four_pt", true, BIG, BIG,
            100, 100);
        assertThat(holed).hasSize(8).doesNotContain(List.of(100L, 100L));
        // on the hole's boundary: pointPolygonTest = 0, not > 0 → kept
        assertThat(grid(List.of(contour(outer, square(150, 150, 170, 170))), "four_pt", true, BIG, BIG, 100, 100))
            .hasSize(9);
        // a hole elsewhere (not covering a centre) rejects nothing
        assertThat(grid(List.of(contour(outer, square(10, 10, 20, 20))), "four_pt", true, BIG, BIG, 100, 100))
            .hasSize(9);
    }

    @Test
    void holeCentreUsesTrueDivisionForOddPatchSizes() {
        // patch 101: centre for the hole test is (x + 50.5, y + 50.5); hole (40..50.4) misses it, (50..51) contains it.
        int[][] outer = square(0, 0, 100, 100);
        assertThat(grid(List.of(contour(outer, square(50, 50, 51, 51))), "basic", true, BIG, BIG, 101, 101)).isEmpty();
        assertThat(grid(List.of(contour(outer, square(49, 49, 50, 50))), "basic", true, BIG, BIG, 101, 101)).hasSize(1);
    }

    @Test
    void usePaddingStopsAtTheBoundingBoxOtherwiseAtTheSlideEdgePlusOne() {
        List<TissueContour> c = List.of(contour(square(0, 0, 999, 999)));
        assertThat(grid(c, "four_pt", true, 1000, 1000, 300, 300)).hasSize(16);    // 0,300,600,900
        assertThat(grid(c, "four_pt", false, 1000, 1000, 300, 300)).hasSize(9);    // stop 701: 0,300,600
        // stop = img − ref + 1: a patch ending exactly on the edge is kept (900 − 300 + 1 = 601 > 600) ...
        assertThat(grid(c, "four_pt", false, 900, 900, 300, 300)).hasSize(9);
        // ... one pixel less and it is not (stop 600)
        assertThat(grid(c, "four_pt", false, 899, 899, 300, 300)).hasSize(4);
        // the rule is per axis
        assertThat(grid(c, "four_pt", false, 899, 1000, 300, 300)).hasSize(6);
    }

    @Test
    void clamDropsSingletonContoursOnlyWhenAskedTo() {
        GridParams p = new GridParams(100, 100, 0, "basic", true);
        assertThat(ClamGridPatcher.coords(FIVE, BIG, BIG, 1, 1, p, false)).hasSize(4);
        assertThat(ClamGridPatcher.coords(FIVE, BIG, BIG, 1, 1, p, true)).isEmpty();
        List<TissueContour> two = List.of(contour(square(0, 0, 299, 199)));
        assertThat(ClamGridPatcher.coords(two, BIG, BIG, 1, 1, p, true)).hasSize(6);
    }

    @Test
    void patchLevelScalesPatchAndStepByClamsIntegerDownsample() {
        // level 1 is 1000 px for 4000 → CLAM's downsample 4.0; patch 100 at level 1 = 400 level-0 px
        SlideReader r = FakeSlides.pyramid(4000, 4000, 1, 4.000345);
        TissueSegmentation seg = new TissueSegmentation("s", 1, 4, 4, 1, 1, new byte[1],
            List.of(contour(square(0, 0, 1199, 799))), 0, 0);
        ClamGridPatcher patcher = new ClamGridPatcher();
        List<List<Long>> got = asList(patcher.coords(seg, r, new GridParams(100, 100, 1, "four_pt", true)));
        assertThat(got).containsExactly(List.of(0L, 0L), List.of(0L, 400L), List.of(400L, 0L), List.of(400L, 400L),
            List.of(800L, 0L), List.of(800L, 400L));
        assertThat(ClamGridPatcher.patchSizeLevel0(r, new GridParams(100, 100, 1, "four_pt", true))).isEqualTo(400);
        assertThat(ClamGridPatcher.patchDownsample(r, 1)).containsExactly(4, 4);
        // level 0 with the GPFM recipe
        List<long[]> gpfm = patcher.coords(seg, r, new GridParams(512, 512, 0, "four_pt", true));
        assertThat(asList(gpfm)).containsExactly(List.of(0L, 0L), List.of(0L, 512L), List.of(512L, 0L),
            List.of(512L, 512L), List.of(1024L, 0L), List.of(1024L, 512L));
    }

    @Test
    void emptySegmentationGivesNoCoordinates() {
        SlideReader r = FakeSlides.pyramid(4000, 4000, 1);
        TissueSegmentation seg = new TissueSegmentation("s", 0, 1, 1, 1, 1, new byte[1], List.of(), 0, 0);
        assertThat(new ClamGridPatcher().coords(seg, r, new GridParams(512, 512, 0, "four_pt", true))).isEmpty();
    }

    @Test
    void gridParamsAreValidated() {
        assertThatThrownBy(() -> new GridParams(512, 512, 0, "five_pt", true))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contour_fn");
        assertThatThrownBy(() -> new GridParams(0, 512, 0, "four_pt", true))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patch_size");
    }
}
