package org.slidebatch.tissue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.imgproc.Imgproc;
import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;

/**
 * CLAM's tissue segmentation ({@code WholeSlideImage.segmentTissue} with the seg-level choice and size check
 * of {@code create_patches_fp.py}), step for step as SPEC §3 lists it, so that masks and contours equal
 * CLAM's on the same pixels:
 * <ol>
 *   <li>{@code seg_level = -1}: level 0 for a single-level slide, else
 *       {@code get_best_level_for_downsample(64)}; refuse when that level has more than 1e8 pixels.</li>
 *   <li>Read the whole level, RGB → HSV with OpenCV (H 0–179), keep S.</li>
 *   <li>{@code medianBlur(S, mthresh)}.</li>
 *   <li>{@code threshold(S, 0, sthresh_up, OTSU|BINARY)} or {@code threshold(S, sthresh, sthresh_up, BINARY)}
 *       (pixels strictly above sthresh become sthresh_up).</li>
 *   <li>{@code close > 0}: {@code morphologyEx(CLOSE, ones(close, close))} (default anchor, one iteration).</li>
 *   <li>{@code scaled_ref_patch_area = int(ref_patch_size² / (ds_x · ds_y))}; a_t and a_h are multiplied by it.</li>
 *   <li>{@code findContours(RETR_CCOMP, CHAIN_APPROX_NONE)} and CLAM's {@code _filter_contours}.</li>
 *   <li>Points × (ds_x, ds_y), truncated to int32 ({@code np.array(cont * scale, dtype='int32')}).</li>
 * </ol>
 * Where CLAM crashes (no contour at all: {@code np.squeeze(None)}), we return an empty segmentation.
 */
public final class ClamSegmenter {

    /** {@code create_patches_fp.py}: {@code if w * h > 1e8: ... aborting}. */
    public static final double MAX_SEG_LEVEL_PIXELS = 1e8;

    /** {@code create_patches_fp.py}: {@code wsi.get_best_level_for_downsample(64)} when seg_level < 0. */
    public static final double AUTO_SEG_DOWNSAMPLE = 64.0;

    public ClamSegmenter() {
        OpenCvLoader.load();
    }

    /** Segments one open slide; see the class comment. */
    public TissueSegmentation segment(String slideId, SlideReader reader, ClamSegmentationParams p) {
        int level = resolveSegLevel(slideId, reader, p.segLevel());
        LevelInfo level0 = reader.level(0);
        LevelInfo seg = reader.level(level);
        checkSize(slideId, level, seg.width(), seg.height());
        double[] ds = clamDownsample(level0, seg);
        RgbImage pixels = reader.readRegion(new RegionRequest(0, 0, level, Math.toIntExact(seg.width()),
            Math.toIntExact(seg.height())));
        return segmentImage(slideId, pixels, level, ds[0], ds[1], level0.width(), level0.height(), p);
    }

    /**
     * The level CLAM segments: {@code seg_level} when >= 0 (refused if the slide has no such level), else
     * level 0 for a single-level slide and otherwise the best level for downsample 64.
     */
    public static int resolveSegLevel(String slideId, SlideReader reader, int segLevel) {
        int count = reader.levelCount();
        if (segLevel < 0) {
            return count == 1 ? 0 : reader.bestLevelForDownsample(AUTO_SEG_DOWNSAMPLE);
        }
        if (segLevel >= count) {
            throw new SegmentationRefusedException(slideId, "seg_level " + segLevel + " does not exist (slide has "
                + count + " level" + (count == 1 ? "" : "s") + ")");
        }
        return segLevel;
    }

    /** CLAM's refusal: more than 1e8 pixels at the seg level (checked before any pixel is read). */
    public static void checkSize(String slideId, int level, long width, long height) {
        double pixels = (double) width * (double) height;
        if (pixels > MAX_SEG_LEVEL_PIXELS) {
            throw new SegmentationRefusedException(slideId, "segmentation level " + level + " is " + width + " x "
                + height + " = " + (long) pixels + " pixels, more than CLAM's limit of 1e8 (100,000,000); "
                + "choose a coarser seg_level or a slide with a lower-resolution pyramid level");
        }
    }

    /**
     * The downsample CLAM uses for a level. CLAM's {@code _assertLevelDownsamples} computes
     * {@code estimated = (dim0_w / level_w, dim0_h / level_h)} and keeps it unless it equals
     * {@code (reported, reported)}, in which case it stores the reported value, which is then the same
     * number. So the downsample is always the estimate from the level dimensions, per axis, never
     * OpenSlide's reported {@code level_downsamples} (which for Aperio is e.g. 4.000345 or the mean of
     * the two axes). Both the area scaling (point 6) and the contour scaling (point 8) use this pair.
     */
    public static double[] clamDownsample(LevelInfo level0, LevelInfo level) {
        return new double[] {(double) level0.width() / (double) level.width(),
            (double) level0.height() / (double) level.height()};
    }

    /** {@link #segmentImage(String, RgbImage, int, double, double, long, long, ClamSegmentationParams)} at level 0. */
    public static TissueSegmentation segmentImage(String slideId, RgbImage image, ClamSegmentationParams p) {
        return segmentImage(slideId, image, 0, 1.0, 1.0, image.width(), image.height(), p);
    }

    /**
     * CLAM's points 2–8 on pixels already read: {@code image} is the whole seg level, {@code dsX, dsY} its
     * downsample, {@code level0Width × level0Height} the slide size used for the tissue fraction.
     */
    public static TissueSegmentation segmentImage(String slideId, RgbImage image, int segLevel, double dsX, double dsY,
                                                  long level0Width, long level0Height, ClamSegmentationParams p) {
        requireRunnable(p);
        OpenCvLoader.load();
        Mat binary = saturationMask(image, p);
        try {
            byte[] mask = new byte[image.width() * image.height()];
            binary.get(0, 0, mask);
            List<TissueContour> contours = filteredContours(binary, dsX, dsY, p);
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] != 0) {
                    mask[i] = (byte) 255;
                }
            }
            double area = 0;
            for (TissueContour c : contours) {
                area += netArea(c);
            }
            double fraction = level0Width > 0 && level0Height > 0 ? area / ((double) level0Width * (double) level0Height) : 0.0;
            return new TissueSegmentation(slideId, segLevel, dsX, dsY, image.width(), image.height(), mask, contours,
                area, fraction);
        } finally {
            binary.release();
        }
    }

    /**
     * CLAM's points 5–8 on a binary mask that is already thresholded and closed (any non-zero is tissue):
     * for tests with hand-drawn masks and for callers with their own mask.
     */
    public static List<TissueContour> contoursFromMask(byte[] mask, int width, int height, double dsX, double dsY,
                                                       ClamSegmentationParams p) {
        OpenCvLoader.load();
        Mat m = new Mat(height, width, CvType.CV_8UC1);
        try {
            m.put(0, 0, mask);
            return filteredContours(m, dsX, dsY, p);
        } finally {
            m.release();
        }
    }

    /** Outer area minus kept hole areas, in the contour's own (level-0) pixels. */
    public static double netArea(TissueContour c) {
        double a = area(c.outer());
        for (int[][] hole : c.holes()) {
            a -= area(hole);
        }
        return a;
    }

    /** OpenCV's {@code contourArea} (non-oriented) of a polygon of {x, y} points. */
    public static double area(int[][] points) {
        MatOfPoint m = toMat(points);
        try {
            return Imgproc.contourArea(m);
        } finally {
            m.release();
        }
    }

    // ---- CLAM points 2–5 -------------------------------------------------------------------------------

    /** HSV saturation → median → threshold → close; values 0 or sthresh_up, as CLAM's {@code img_otsu}. */
    static Mat saturationMask(RgbImage image, ClamSegmentationParams p) {
        Mat rgb = new Mat(image.height(), image.width(), CvType.CV_8UC3);
        Mat hsv = new Mat();
        Mat sat = new Mat();
        Mat med = new Mat();
        Mat out = new Mat();
        try {
            rgb.put(0, 0, image.rgb());
            // RgbImage is R,G,B order, as openslide-python's read_region (RGBA) is: CLAM calls COLOR_RGB2HSV
            // on that array, so we do too (not BGR2HSV). H is OpenCV's 0–179 scale; S is 0–255.
            Imgproc.cvtColor(rgb, hsv, Imgproc.COLOR_RGB2HSV);
            rgb.release();
            Core.extractChannel(hsv, sat, 1);
            hsv.release();
            Imgproc.medianBlur(sat, med, p.mthresh());
            sat.release();
            if (p.useOtsu()) {
                Imgproc.threshold(med, out, 0, p.sthreshUp(), Imgproc.THRESH_OTSU + Imgproc.THRESH_BINARY);
            } else {
                Imgproc.threshold(med, out, p.sthresh(), p.sthreshUp(), Imgproc.THRESH_BINARY);
            }
            med.release();
            if (p.close() > 0) {
                Mat kernel = Mat.ones(p.close(), p.close(), CvType.CV_8U);
                try {
                    Imgproc.morphologyEx(out, out, Imgproc.MORPH_CLOSE, kernel);
                } finally {
                    kernel.release();
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            rgb.release();
            hsv.release();
            sat.release();
            med.release();
        }
    }

    // ---- CLAM points 6–8 -------------------------------------------------------------------------------

    static List<TissueContour> filteredContours(Mat binary, double dsX, double dsY, ClamSegmentationParams p) {
        // Point 6. Python: int(ref_patch_size**2 / (scale[0] * scale[1])) — true division, then truncation.
        long refArea = (long) p.refPatchSize() * p.refPatchSize();
        long scaledRefPatchArea = (long) (refArea / (dsX * dsY));
        long aT = p.aT() * scaledRefPatchArea;
        long aH = p.aH() * scaledRefPatchArea;

        // Point 7.
        List<MatOfPoint> contours = new ArrayList<>();
        Mat hierarchyMat = new Mat();
        try {
            Imgproc.findContours(binary, contours, hierarchyMat, Imgproc.RETR_CCOMP, Imgproc.CHAIN_APPROX_NONE);
            int n = contours.size();
            if (n == 0) {
                // CLAM crashes here (np.squeeze(None, axis=0)); no tissue is the right answer.
                return List.of();
            }
            int[] hierarchy = new int[n * 4];
            hierarchyMat.get(0, 0, hierarchy);
            int[][] points = new int[n][];
            double[] areas = new double[n];
            for (int i = 0; i < n; i++) {
                MatOfPoint c = contours.get(i);
                points[i] = new int[c.rows() * 2];
                c.get(0, 0, points[i]);
                areas[i] = Imgproc.contourArea(c);
            }
            // hierarchy rows are [next, previous, first_child, parent]; CLAM keeps [:, 2:], so its
            // hierarchy[:, 1] is the parent. Children per parent in index order (np.flatnonzero).
            List<List<Integer>> children = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                children.add(new ArrayList<>());
            }
            for (int i = 0; i < n; i++) {
                int parent = hierarchy[i * 4 + 3];
                if (parent >= 0) {
                    children.get(parent).add(i);
                }
            }

            List<TissueContour> kept = new ArrayList<>();
            for (int idx = 0; idx < n; idx++) {
                if (hierarchy[idx * 4 + 3] != -1) {
                    continue;
                }
                List<Integer> holes = children.get(idx);
                // a = contourArea(cont) - np.array(hole_areas).sum(). Areas of integer polygons are
                // multiples of 0.5, so the sum is exact in any order and equals numpy's pairwise sum.
                double holeSum = 0;
                for (int h : holes) {
                    holeSum += areas[h];
                }
                double a = areas[idx] - holeSum;
                if (a == 0) {
                    continue;
                }
                if (!(aT < a)) {
                    continue;
                }
                // sorted(holes, key=contourArea, reverse=True): stable, ties keep index order.
                List<Integer> sorted = new ArrayList<>(holes);
                sorted.sort(Comparator.comparingDouble((Integer h) -> areas[h]).reversed());
                List<int[][]> keptHoles = new ArrayList<>();
                for (int k = 0; k < Math.min(p.maxNHoles(), sorted.size()); k++) {
                    int h = sorted.get(k);
                    if (areas[h] > aH) {
                        keptHoles.add(scale(points[h], dsX, dsY));
                    }
                }
                kept.add(new TissueContour(scale(points[idx], dsX, dsY), keptHoles));
            }
            return kept;
        } finally {
            hierarchyMat.release();
            for (MatOfPoint c : contours) {
                c.release();
            }
        }
    }

    /** Point 8: {@code np.array(cont * (ds_x, ds_y), dtype='int32')} — float64 product, truncated. */
    static int[][] scale(int[] xy, double dsX, double dsY) {
        int[][] out = new int[xy.length / 2][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[] {(int) (xy[2 * i] * dsX), (int) (xy[2 * i + 1] * dsY)};
        }
        return out;
    }

    private static MatOfPoint toMat(int[][] points) {
        int[] flat = new int[points.length * 2];
        for (int i = 0; i < points.length; i++) {
            flat[2 * i] = points[i][0];
            flat[2 * i + 1] = points[i][1];
        }
        MatOfPoint m = new MatOfPoint();
        if (points.length > 0) {
            m.create(points.length, 1, CvType.CV_32SC2);
            m.put(0, 0, flat);
        }
        return m;
    }

    private static void requireRunnable(ClamSegmentationParams p) {
        // The caller validates at start-up naming its preset; this guards direct use so OpenCV never sees
        // an even median kernel (it would throw a CvException with no hint of the parameter).
        p.validate("(as given)");
    }
}
