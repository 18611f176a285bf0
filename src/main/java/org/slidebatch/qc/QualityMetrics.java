package org.slidebatch.qc;

import java.util.List;
import java.util.Objects;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.slidebatch.slide.RgbImage;

/**
 * OpenSlideFM NB03 quality metrics on a slide thumbnail (≤ 1024 px long side in the pipeline, but any size
 * works). Colour planes follow Pillow ({@link PilColor}); thresholding is OpenCV; counts, the Laplacian and the
 * statistics follow NumPy's arithmetic, so every metric equals OpenSlideFM's to the bit:
 * <ul>
 *   <li>tissue = {@code S ≥ 20 ∧ V < 230}, white = {@code V ≥ 230 ∧ S ≤ 30}, pen = {@link PenRule} (default
 *       {@link PenRule#OPENSLIDEFM}: {@code H ∈ [170, 255] ∧ S ≥ 60}) — {@code Core.inRange} on the HSV Mat;</li>
 *   <li>fractions = {@code countNonZero / (w·h)};</li>
 *   <li>blur = the 4-neighbour Laplacian [[0,1,0],[1,−4,1],[0,1,0]] of the grey image with NumPy
 *       {@code pad(mode='reflect')} borders, population variance over tissue in NumPy's float32 arithmetic
 *       ({@link NumpyFloat32}); 0.0 when there is no tissue;</li>
 *   <li>brightness / saturation = mean of V / S over tissue (over all pixels when none): exact integer sums, one
 *       division.</li>
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
        int w = masks.width();
        int h = masks.height();
        int n = w * h;
        byte[] tissue = masks.tissue();
        byte[] hsv = masks.hsv();
        int tissueCount = 0;
        int whiteCount = 0;
        int penCount = 0;
        long sumV = 0;
        long sumS = 0;
        long tissueV = 0;
        long tissueS = 0;
        for (int i = 0; i < n; i++) {
            int s = hsv[i * 3 + 1] & 0xff;
            int v = hsv[i * 3 + 2] & 0xff;
            sumS += s;
            sumV += v;
            if (tissue[i] != 0) {
                tissueCount++;
                tissueS += s;
                tissueV += v;
            }
            if (masks.white()[i] != 0) {
                whiteCount++;
            }
            if (masks.pen()[i] != 0) {
                penCount++;
            }
        }
        double total = n;
        double blurVar = tissueCount == 0 ? 0.0 : laplacianVariance(masks.gray(), w, h, tissue, tissueCount);
        // NumPy: the mean of uint8 values accumulates exactly in float64, then one division
        double brightness = tissueCount == 0 ? sumV / total : tissueV / (double) tissueCount;
        double saturation = tissueCount == 0 ? sumS / total : tissueS / (double) tissueCount;
        return new QcMetrics(tissueCount / total, whiteCount / total, penCount / total, blurVar, brightness, saturation);
    }

    /**
     * {@code float(np.var(lap[mask]))} of OpenSlideFM: the 4-neighbour Laplacian of the grey plane with
     * {@code np.pad(mode='reflect')} borders (mirror without repeating the edge), over the mask's pixels in row-major
     * order, with NumPy's float32 variance ({@link NumpyFloat32}). The Laplacian of 8-bit input is an integer in
     * [−1020, 1020], exact in float32.
     */
    static double laplacianVariance(byte[] gray, int w, int h, byte[] mask, int count) {
        float[] lap = new float[count];
        int k = 0;
        for (int y = 0; y < h; y++) {
            int up = reflect(y - 1, h) * w;
            int down = reflect(y + 1, h) * w;
            int row = y * w;
            for (int x = 0; x < w; x++) {
                if (mask[row + x] == 0) {
                    continue;
                }
                int left = reflect(x - 1, w);
                int right = reflect(x + 1, w);
                int c = gray[row + x] & 0xff;
                lap[k++] = -4 * c + (gray[up + x] & 0xff) + (gray[down + x] & 0xff) + (gray[row + left] & 0xff)
                    + (gray[row + right] & 0xff);
            }
        }
        return NumpyFloat32.variance(lap, count);
    }

    /** NumPy's {@code reflect} padding index for one pixel beyond an edge. */
    private static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
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

    private static void requireNonEmpty(RgbImage thumb) {
        Objects.requireNonNull(thumb, "thumb");
        if (thumb.width() <= 0 || thumb.height() <= 0) {
            throw new IllegalArgumentException("empty thumbnail " + thumb.width() + "x" + thumb.height());
        }
    }
}
