package org.slidebatch.qc;

import java.util.List;
import java.util.Objects;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;
import org.slidebatch.slide.RgbImage;

/**
 * OpenSlideFM NB03 quality metrics on a slide thumbnail (≤ 1024 px long side in the pipeline, but any size
 * works). Colour planes follow Pillow ({@link PilColor}); thresholding, counting, the Laplacian and the masked
 * statistics are OpenCV:
 * <ul>
 *   <li>tissue = {@code S ≥ 20 ∧ V < 230}, white = {@code V ≥ 230 ∧ S ≤ 30}, pen = {@link PenRule} (default
 *       {@link PenRule#OPENSLIDEFM}: {@code H ∈ [170, 255] ∧ S ≥ 60}) — {@code Core.inRange} on the HSV Mat;</li>
 *   <li>fractions = {@code countNonZero / (w·h)};</li>
 *   <li>blur = {@code Imgproc.Laplacian} with {@code ksize = 1} (exactly the kernel [[0,1,0],[1,−4,1],[0,1,0]])
 *       on the float32 grey image with {@code BORDER_REFLECT_101} (= NumPy {@code pad(mode='reflect')}), then
 *       population variance over tissue via masked {@code Core.meanStdDev}; 0.0 when there is no tissue;</li>
 *   <li>brightness / saturation = masked {@code Core.mean} of V / S over tissue, over all pixels when none.</li>
 * </ul>
 */
public final class QualityMetrics {

    public static final int HSV_S_TISSUE_MIN = 20;
    public static final int HSV_V_WHITE_MIN = 230;
    public static final int HSV_S_WHITE_MAX = 30;

    private QualityMetrics() {
    }

    /** Masks with OpenSlideFM's pen rule. */
    public static QcMasks masks(RgbImage thumb) {
        return masks(thumb, PenRule.OPENSLIDEFM);
    }

    /**
     * Masks whose pen mask unites several rules ({@code pen_rules}); {@link QcMasks#penRule()} names the first.
     */
    public static QcMasks masks(RgbImage thumb, List<PenRule> rules) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("at least one pen rule is needed");
        }
        QcMasks first = masks(thumb, rules.getFirst());
        if (rules.size() == 1) {
            return first;
        }
        byte[] pen = first.pen().clone();
        for (PenRule rule : rules.subList(1, rules.size())) {
            byte[] more = penMask(first, rule);
            for (int i = 0; i < pen.length; i++) {
                pen[i] = (byte) (pen[i] | more[i]);
            }
        }
        return new QcMasks(first.width(), first.height(), first.hsv(), first.gray(), first.tissue(), first.white(), pen,
            rules.getFirst());
    }

    public static QcMasks masks(RgbImage thumb, PenRule penRule) {
        Objects.requireNonNull(penRule, "penRule");
        requireNonEmpty(thumb);
        QcOpenCv.ensureLoaded();
        int w = thumb.width();
        int h = thumb.height();
        byte[] hsv = PilColor.rgbToHsv(thumb.rgb());
        byte[] gray = PilColor.rgbToL(thumb.rgb());
        Mat hsvMat = new Mat(h, w, CvType.CV_8UC3);
        try {
            hsvMat.put(0, 0, hsv);
            byte[] tissue = inRange(hsvMat, new Scalar(0, HSV_S_TISSUE_MIN, 0), new Scalar(255, 255, HSV_V_WHITE_MIN - 1));
            byte[] white = inRange(hsvMat, new Scalar(0, 0, HSV_V_WHITE_MIN), new Scalar(255, HSV_S_WHITE_MAX, 255));
            byte[] pen = penMask(hsvMat, penRule);
            return new QcMasks(w, h, hsv, gray, tissue, white, pen, penRule);
        } finally {
            hsvMat.release();
        }
    }

    /** A pen mask under another rule for masks already computed (reuses their HSV plane). */
    public static byte[] penMask(QcMasks masks, PenRule penRule) {
        QcOpenCv.ensureLoaded();
        Mat hsvMat = new Mat(masks.height(), masks.width(), CvType.CV_8UC3);
        try {
            hsvMat.put(0, 0, masks.hsv());
            return penMask(hsvMat, penRule);
        } finally {
            hsvMat.release();
        }
    }

    /** OpenSlideFM NB03 metrics with its pen rule. */
    public static QcMetrics compute(RgbImage thumb) {
        return compute(masks(thumb));
    }

    /** Metrics from masks already computed (pen fraction uses whatever rule the masks were built with). */
    public static QcMetrics compute(QcMasks masks) {
        QcOpenCv.ensureLoaded();
        int w = masks.width();
        int h = masks.height();
        double n = (double) w * h;
        Mat tissue = mask(masks.tissue(), w, h);
        Mat white = mask(masks.white(), w, h);
        Mat pen = mask(masks.pen(), w, h);
        Mat hsv = new Mat(h, w, CvType.CV_8UC3);
        try {
            hsv.put(0, 0, masks.hsv());
            int tissueCount = Core.countNonZero(tissue);
            double tissuePct = tissueCount / n;
            double whitePct = Core.countNonZero(white) / n;
            double penPct = Core.countNonZero(pen) / n;
            double blurVar = tissueCount == 0 ? 0.0 : laplacianVariance(masks.gray(), w, h, tissue);
            Scalar means = tissueCount == 0 ? Core.mean(hsv) : Core.mean(hsv, tissue);
            return new QcMetrics(tissuePct, whitePct, penPct, blurVar, means.val[2], means.val[1]);
        } finally {
            tissue.release();
            white.release();
            pen.release();
            hsv.release();
        }
    }

    /**
     * Population variance of the 4-neighbour Laplacian of a grey plane over the non-zero pixels of
     * {@code mask} (NumPy {@code np.var(lap[mask])}). The Laplacian of 8-bit input is an integer in
     * [−1020, 1020], exact in float32, so only the variance accumulation can differ from NumPy (in the last
     * digits: OpenCV accumulates in double, NumPy in float32).
     */
    static double laplacianVariance(byte[] gray, int w, int h, Mat mask) {
        Mat g8 = new Mat(h, w, CvType.CV_8UC1);
        Mat g32 = new Mat();
        Mat lap = new Mat();
        MatOfDouble mean = new MatOfDouble();
        MatOfDouble std = new MatOfDouble();
        try {
            g8.put(0, 0, gray);
            g8.convertTo(g32, CvType.CV_32F);
            Imgproc.Laplacian(g32, lap, CvType.CV_32F, 1, 1.0, 0.0, Core.BORDER_REFLECT_101);
            Core.meanStdDev(lap, mean, std, mask);
            double sd = std.toArray()[0];
            return sd * sd;
        } finally {
            g8.release();
            g32.release();
            lap.release();
            mean.release();
            std.release();
        }
    }

    private static byte[] penMask(Mat hsvMat, PenRule rule) {
        Mat acc = Mat.zeros(hsvMat.rows(), hsvMat.cols(), CvType.CV_8UC1);
        Mat part = new Mat();
        try {
            for (PenRule.Box b : rule.boxes()) {
                Core.inRange(hsvMat, new Scalar(b.hMin(), b.sMin(), b.vMin()), new Scalar(b.hMax(), b.sMax(), b.vMax()), part);
                Core.bitwise_or(acc, part, acc);
            }
            byte[] out = new byte[hsvMat.rows() * hsvMat.cols()];
            acc.get(0, 0, out);
            return out;
        } finally {
            acc.release();
            part.release();
        }
    }

    private static byte[] inRange(Mat hsvMat, Scalar lo, Scalar hi) {
        Mat m = new Mat();
        try {
            Core.inRange(hsvMat, lo, hi, m);
            byte[] out = new byte[hsvMat.rows() * hsvMat.cols()];
            m.get(0, 0, out);
            return out;
        } finally {
            m.release();
        }
    }

    private static Mat mask(byte[] plane, int w, int h) {
        Mat m = new Mat(h, w, CvType.CV_8UC1);
        m.put(0, 0, plane);
        return m;
    }

    private static void requireNonEmpty(RgbImage thumb) {
        Objects.requireNonNull(thumb, "thumb");
        if (thumb.width() <= 0 || thumb.height() <= 0) {
            throw new IllegalArgumentException("empty thumbnail " + thumb.width() + "x" + thumb.height());
        }
    }
}
