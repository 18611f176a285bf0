package org.slidebatch.tissue;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;
import org.slidebatch.slide.RgbImage;

/**
 * wsistream's {@code HSVTissueDetector} (ranges from the Midnight paper): a pixel is tissue when
 * H ∈ [90, 180], S ∈ [8, 255] and V ∈ [103, 255], bounds inclusive ({@code cv2.inRange}).
 *
 * <p>Hue scale: OpenCV's 8-bit HSV, H in 0–179 (degrees / 2), S and V in 0–255. wsistream converts with
 * {@code cv2.cvtColor(thumbnail, cv2.COLOR_RGB2HSV)} and SPEC §3 says OpenCV HSV, so the same numbers mean the
 * same colours here: 90–180 is 180°–360°, i.e. blue through purple to pink (haematoxylin and eosin), and
 * the upper bound 180 is simply "no upper limit" since OpenCV never yields H = 180. (skimage's rgb2hsv would
 * give H in 0–1 and these ranges would not apply.)
 */
public final class HsvTissueDetector implements TissueDetector {

    private final int hueMin;
    private final int hueMax;
    private final int satMin;
    private final int satMax;
    private final int valMin;
    private final int valMax;

    public HsvTissueDetector() {
        this(90, 180, 8, 255, 103, 255);
    }

    public HsvTissueDetector(int hueMin, int hueMax, int satMin, int satMax, int valMin, int valMax) {
        range("hue", hueMin, hueMax, 180);
        range("saturation", satMin, satMax, 255);
        range("value", valMin, valMax, 255);
        this.hueMin = hueMin;
        this.hueMax = hueMax;
        this.satMin = satMin;
        this.satMax = satMax;
        this.valMin = valMin;
        this.valMax = valMax;
        OpenCvLoader.load();
    }

    private static void range(String what, int lo, int hi, int max) {
        if (lo < 0 || hi > max || lo > hi) {
            throw new IllegalArgumentException(what + " range must satisfy 0 <= min <= max <= " + max + ", got (" + lo + ", " + hi + ")");
        }
    }

    @Override
    public byte[] detect(RgbImage thumbnail) {
        Mat rgb = new Mat(thumbnail.height(), thumbnail.width(), CvType.CV_8UC3);
        Mat hsv = new Mat();
        Mat mask = new Mat();
        try {
            rgb.put(0, 0, thumbnail.rgb());
            Imgproc.cvtColor(rgb, hsv, Imgproc.COLOR_RGB2HSV);
            Core.inRange(hsv, new Scalar(hueMin, satMin, valMin), new Scalar(hueMax, satMax, valMax), mask);
            byte[] out = new byte[thumbnail.width() * thumbnail.height()];
            mask.get(0, 0, out);
            return out;
        } finally {
            rgb.release();
            hsv.release();
            mask.release();
        }
    }
}
