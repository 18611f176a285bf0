package org.slidebatch.tissue;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.slidebatch.slide.RgbImage;

/**
 * wsistream's {@code OtsuTissueDetector}: RGB → grey, Gaussian blur ({@code blurKsize}, sigma from the
 * size), Otsu threshold inverted (tissue is darker than glass), close with an elliptical kernel
 * ({@code morphCloseKsize}, 0 disables), then drop 8-connected components with fewer than
 * {@code int(w·h·minAreaRatio)} pixels (0 disables). Defaults 7, 5, 0.001.
 */
public final class OtsuTissueDetector implements TissueDetector {

    private final int blurKsize;
    private final int morphCloseKsize;
    private final double minAreaRatio;

    public OtsuTissueDetector() {
        this(7, 5, 0.001);
    }

    public OtsuTissueDetector(int blurKsize, int morphCloseKsize, double minAreaRatio) {
        if (blurKsize < 1 || blurKsize % 2 == 0) {
            throw new IllegalArgumentException("blur_ksize must be a positive odd integer, got " + blurKsize);
        }
        if (morphCloseKsize < 0) {
            throw new IllegalArgumentException("morph_close_ksize must be >= 0, got " + morphCloseKsize);
        }
        if (!(minAreaRatio >= 0)) {
            throw new IllegalArgumentException("min_area_ratio must be >= 0, got " + minAreaRatio);
        }
        this.blurKsize = blurKsize;
        this.morphCloseKsize = morphCloseKsize;
        this.minAreaRatio = minAreaRatio;
        OpenCvLoader.load();
    }

    @Override
    public byte[] detect(RgbImage thumbnail) {
        int w = thumbnail.width();
        int h = thumbnail.height();
        Mat rgb = new Mat(h, w, CvType.CV_8UC3);
        Mat grey = new Mat();
        Mat blurred = new Mat();
        Mat mask = new Mat();
        try {
            rgb.put(0, 0, thumbnail.rgb());
            Imgproc.cvtColor(rgb, grey, Imgproc.COLOR_RGB2GRAY);
            Imgproc.GaussianBlur(grey, blurred, new Size(blurKsize, blurKsize), 0);
            Imgproc.threshold(blurred, mask, 0, 255, Imgproc.THRESH_BINARY_INV + Imgproc.THRESH_OTSU);
            if (morphCloseKsize > 0) {
                Mat kernel = Imgproc.getStructuringElement(Imgproc.MORPH_ELLIPSE, new Size(morphCloseKsize, morphCloseKsize));
                try {
                    Imgproc.morphologyEx(mask, mask, Imgproc.MORPH_CLOSE, kernel);
                } finally {
                    kernel.release();
                }
            }
            byte[] out = new byte[w * h];
            mask.get(0, 0, out);
            if (minAreaRatio > 0) {
                removeSmallComponents(mask, out, (long) ((double) w * h * minAreaRatio));
            }
            return out;
        } finally {
            rgb.release();
            grey.release();
            blurred.release();
            mask.release();
        }
    }

    /** Clears components (8-connected, as cv2.connectedComponentsWithStats' default) smaller than minArea. */
    private static void removeSmallComponents(Mat mask, byte[] out, long minArea) {
        Mat labels = new Mat();
        Mat stats = new Mat();
        Mat centroids = new Mat();
        try {
            int n = Imgproc.connectedComponentsWithStats(mask, labels, stats, centroids, 8, CvType.CV_32S);
            boolean[] drop = new boolean[n];
            boolean any = false;
            int[] area = new int[1];
            for (int i = 1; i < n; i++) {
                stats.get(i, Imgproc.CC_STAT_AREA, area);
                if (area[0] < minArea) {
                    drop[i] = true;
                    any = true;
                }
            }
            if (!any) {
                return;
            }
            int[] lab = new int[out.length];
            labels.get(0, 0, lab);
            for (int i = 0; i < lab.length; i++) {
                if (drop[lab[i]]) {
                    out[i] = 0;
                }
            }
        } finally {
            labels.release();
            stats.release();
            centroids.release();
        }
    }
}
