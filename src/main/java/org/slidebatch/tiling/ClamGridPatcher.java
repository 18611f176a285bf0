package org.slidebatch.tiling;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.opencv.core.MatOfPoint2f;
import org.opencv.core.Point;
import org.opencv.imgproc.Imgproc;
import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.tissue.ClamSegmentationParams;
import org.slidebatch.tissue.ClamSegmenter;
import org.slidebatch.tissue.OpenCvLoader;
import org.slidebatch.tissue.TissueContour;
import org.slidebatch.tissue.TissueSegmentation;

/**
 * CLAM's {@code WholeSlideImage.process_contours}/{@code process_contour} as GPFM uses it (SPEC §4a): a grid of
 * level-0 patch coordinates over each tissue contour's bounding box.
 *
 * <p>Per contour (in the segmentation's order):
 * <ul>
 *   <li>{@code start_x, start_y, w, h = cv2.boundingRect(cont)} ({@code w = max x − min x + 1});</li>
 *   <li>{@code patch_downsample = int(level_downsamples[patch_level])} per axis, where CLAM's downsample is the
 *       estimate {@code level0 dim / level dim} ({@link ClamSegmenter#clamDownsample}); {@code ref_patch_size =
 *       patch_size · patch_downsample}; {@code step = step_size · patch_downsample} (level-0 px);</li>
 *   <li>{@code use_padding}: stop at {@code start + w} / {@code start + h}; otherwise at
 *       {@code min(start_x + w, img_w − ref_patch_size_x + 1)} and {@code min(start_y + h, img_h − ref_patch_size_y + 1)}
 *       with {@code img_w, img_h} the level-0 size;</li>
 *   <li>candidates {@code np.meshgrid(arange(start_x, stop_x, step_x), arange(start_y, stop_y, step_y),
 *       indexing='ij')} flattened: <b>x outer, y inner</b> (column by column);</li>
 *   <li>keep a candidate when the contour check passes and its centre {@code (x + ps/2, y + ps/2)} (true division)
 *       is strictly inside none of the contour's holes ({@code pointPolygonTest(hole, c) > 0} rejects). The checks
 *       ({@code ps = ref_patch_size_x} for both axes, as in CLAM; {@code //} is integer division):
 *       {@code four_pt} (isInContourV3_Easy): any of the four points {@code centre ± shift}, {@code centre =
 *       (x + ps//2, y + ps//2)}, {@code shift = int(ps//2 · 0.5)}, has {@code pointPolygonTest ≥ 0};
 *       {@code four_pt_hard} (V3_Hard): all four; {@code center} (V2): the centre; {@code basic} (V1): (x, y).</li>
 * </ul>
 * {@code pointPolygonTest} is OpenCV's. CLAM passes int32 contours; Java's binding takes float32 points, which hold
 * every level-0 coordinate below 2^24 exactly, and OpenCV's integer and float branches give the same answer on
 * integer data (the test points are integers or halves, also exact), so the result is CLAM's.
 *
 * <p>DEVIATION: CLAM keeps a contour's coordinates only when it has <b>more than one</b>
 * ({@code if len(results) > 1}), silently dropping a contour with exactly one patch. We keep it by default;
 * {@link #coords(TissueSegmentation, SlideReader, GridParams, boolean)} with {@code clamDropSingletons = true}
 * reproduces CLAM.
 */
public final class ClamGridPatcher {

    /**
     * @param patchSize  patch side at {@code patchLevel} (GPFM: 512)
     * @param stepSize   grid step at {@code patchLevel} (GPFM: 512)
     * @param patchLevel pyramid level the patches are read from (GPFM: 0)
     * @param contourFn  {@code four_pt}, {@code four_pt_hard}, {@code center} or {@code basic}
     * @param usePadding whether patches may extend past the slide's edge
     */
    public record GridParams(int patchSize, int stepSize, int patchLevel, String contourFn, boolean usePadding) {

        public GridParams {
            if (patchSize <= 0) {
                throw new IllegalArgumentException("patch_size must be > 0, got " + patchSize);
            }
            if (stepSize <= 0) {
                throw new IllegalArgumentException("step_size must be > 0, got " + stepSize);
            }
            if (patchLevel < 0) {
                throw new IllegalArgumentException("patch_level must be >= 0, got " + patchLevel);
            }
            if (!ClamSegmentationParams.CONTOUR_FNS.contains(contourFn)) {
                throw new IllegalArgumentException("contour_fn must be one of "
                    + String.join(", ", ClamSegmentationParams.CONTOUR_FNS) + ", got '" + contourFn + "'");
            }
        }

        /** GPFM's recipe: patch 512, step 512, level 0, with the preset's contour_fn and use_padding. */
        public static GridParams gpfm(ClamSegmentationParams preset) {
            return new GridParams(512, 512, 0, preset.contourFn(), preset.usePadding());
        }

        /** CLAM {@code create_patches_fp.py} defaults: patch 256, step 256, level 0, four_pt, padding. */
        public static GridParams clamDefaults() {
            return new GridParams(256, 256, 0, "four_pt", true);
        }
    }

    public ClamGridPatcher() {
        OpenCvLoader.load();
    }

    /** CLAM's integer patch downsample of a level: {@code (int(W0 / Wl), int(H0 / Hl))}. */
    public static int[] patchDownsample(SlideReader reader, int patchLevel) {
        double[] ds = ClamSegmenter.clamDownsample(reader.level(0), reader.level(patchLevel));
        return new int[] {(int) ds[0], (int) ds[1]};
    }

    /** {@code ref_patch_size}: the patch side in level-0 pixels (x axis). */
    public static long patchSizeLevel0(SlideReader reader, GridParams p) {
        return (long) p.patchSize() * patchDownsample(reader, p.patchLevel())[0];
    }

    /** Level-0 {x, y} of every kept patch, contour by contour, CLAM's order; singletons kept (see class comment). */
    public List<long[]> coords(TissueSegmentation seg, SlideReader reader, GridParams p) {
        return coords(seg, reader, p, false);
    }

    /** As {@link #coords(TissueSegmentation, SlideReader, GridParams)}; {@code clamDropSingletons} copies CLAM's
     *  {@code len(results) > 1}. */
    public List<long[]> coords(TissueSegmentation seg, SlideReader reader, GridParams p, boolean clamDropSingletons) {
        Objects.requireNonNull(seg, "seg");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(p, "params");
        LevelInfo level0 = reader.level(0);
        reader.level(p.patchLevel());
        int[] pd = patchDownsample(reader, p.patchLevel());
        return coords(seg.contours(), level0.width(), level0.height(), pd[0], pd[1], p, clamDropSingletons);
    }

    /**
     * The grid on contours already in level-0 pixels, for a slide of {@code imgW × imgH} level-0 pixels whose patch
     * level has integer downsample {@code (pdx, pdy)}.
     */
    public static List<long[]> coords(List<TissueContour> contours, long imgW, long imgH, int pdx, int pdy,
                                      GridParams p, boolean clamDropSingletons) {
        OpenCvLoader.load();
        if (pdx <= 0 || pdy <= 0) {
            throw new IllegalArgumentException("patch downsample must be >= 1, got " + pdx + "x" + pdy);
        }
        long refX = (long) p.patchSize() * pdx;
        long refY = (long) p.patchSize() * pdy;
        long stepX = (long) p.stepSize() * pdx;
        long stepY = (long) p.stepSize() * pdy;
        List<long[]> out = new ArrayList<>();
        for (TissueContour contour : contours) {
            List<long[]> kept = contourCoords(contour, imgW, imgH, refX, refY, stepX, stepY, p);
            if (clamDropSingletons && kept.size() <= 1) {
                continue;
            }
            out.addAll(kept);
        }
        return out;
    }

    private static List<long[]> contourCoords(TissueContour contour, long imgW, long imgH, long refX, long refY,
                                              long stepX, long stepY, GridParams p) {
        int[][] outer = contour.outer();
        List<long[]> kept = new ArrayList<>();
        if (outer.length == 0) {
            return kept;
        }
        long[] box = boundingRect(outer);
        long startX = box[0];
        long startY = box[1];
        long stopX;
        long stopY;
        if (p.usePadding()) {
            stopX = startX + box[2];
            stopY = startY + box[3];
        } else {
            stopX = Math.min(startX + box[2], imgW - refX + 1);
            stopY = Math.min(startY + box[3], imgH - refY + 1);
        }
        MatOfPoint2f cont = toMat(outer);
        List<MatOfPoint2f> holes = new ArrayList<>(contour.holes().size());
        try {
            for (int[][] h : contour.holes()) {
                holes.add(toMat(h));
            }
            // CLAM: ref_patch_size[0] for both axes of every check.
            long ps = refX;
            long half = ps / 2;                          // patch_size // 2
            long shift = (long) (half * 0.5);            // int(patch_size // 2 * center_shift)
            double halfTrue = ps / 2.0;                  // patch_size / 2 (isInHoles)
            for (long x = startX; x < stopX; x += stepX) {          // meshgrid indexing='ij': x outer
                for (long y = startY; y < stopY; y += stepY) {      // y inner
                    if (!contourCheck(cont, p.contourFn(), x, y, half, shift)) {
                        continue;
                    }
                    if (inHoles(holes, x + halfTrue, y + halfTrue)) {
                        continue;
                    }
                    kept.add(new long[] {x, y});
                }
            }
        } finally {
            cont.release();
            holes.forEach(MatOfPoint2f::release);
        }
        return kept;
    }

    static boolean contourCheck(MatOfPoint2f cont, String fn, long x, long y, long half, long shift) {
        long cx = x + half;
        long cy = y + half;
        return switch (fn) {
            case "basic" -> test(cont, x, y) >= 0;
            case "center" -> test(cont, cx, cy) >= 0;
            case "four_pt", "four_pt_hard" -> {
                boolean hard = fn.equals("four_pt_hard");
                double[][] pts = shift > 0
                    ? new double[][] {{cx - shift, cy - shift}, {cx + shift, cy + shift}, {cx + shift, cy - shift},
                        {cx - shift, cy + shift}}
                    : new double[][] {{cx, cy}};
                for (double[] pt : pts) {
                    boolean inside = test(cont, pt[0], pt[1]) >= 0;
                    if (!hard && inside) {
                        yield true;
                    }
                    if (hard && !inside) {
                        yield false;
                    }
                }
                yield hard;
            }
            default -> throw new IllegalArgumentException("unknown contour_fn '" + fn + "'");
        };
    }

    /** CLAM's isInHoles: any hole with {@code pointPolygonTest(hole, centre) > 0}. */
    static boolean inHoles(List<MatOfPoint2f> holes, double cx, double cy) {
        for (MatOfPoint2f h : holes) {
            if (test(h, cx, cy) > 0) {
                return true;
            }
        }
        return false;
    }

    private static double test(MatOfPoint2f contour, double x, double y) {
        return Imgproc.pointPolygonTest(contour, new Point(x, y), false);
    }

    /** {@code cv2.boundingRect} of integer points: {x, y, w, h} with {@code w = max − min + 1}. */
    static long[] boundingRect(int[][] pts) {
        long minX = Long.MAX_VALUE;
        long minY = Long.MAX_VALUE;
        long maxX = Long.MIN_VALUE;
        long maxY = Long.MIN_VALUE;
        for (int[] pt : pts) {
            minX = Math.min(minX, pt[0]);
            maxX = Math.max(maxX, pt[0]);
            minY = Math.min(minY, pt[1]);
            maxY = Math.max(maxY, pt[1]);
        }
        return new long[] {minX, minY, maxX - minX + 1, maxY - minY + 1};
    }

    private static MatOfPoint2f toMat(int[][] pts) {
        Point[] p = new Point[pts.length];
        for (int i = 0; i < pts.length; i++) {
            if (Math.abs(pts[i][0]) >= (1 << 24) || Math.abs(pts[i][1]) >= (1 << 24)) {
                throw new IllegalArgumentException("contour point " + pts[i][0] + "," + pts[i][1]
                    + " is beyond 2^24 px and cannot be tested exactly in float32");
            }
            p[i] = new Point(pts[i][0], pts[i][1]);
        }
        return new MatOfPoint2f(p);
    }
}
