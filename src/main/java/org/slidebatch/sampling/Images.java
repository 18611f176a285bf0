package org.slidebatch.sampling;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.tissue.OpenCvLoader;

/** Pixel helpers on {@link RgbImage} shared by crops and transforms. */
final class Images {

    private Images() {
    }

    /** The window (x, y, w, h) resized to outW × outH with OpenCV's bilinear ({@code INTER_LINEAR}), as wsistream. */
    static RgbImage cropResize(RgbImage src, int x, int y, int w, int h, int outW, int outH) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > src.width() || y + h > src.height()) {
            throw new IllegalArgumentException("crop " + x + "," + y + " " + w + "x" + h + " outside a "
                + src.width() + "x" + src.height() + " image");
        }
        RgbImage crop = crop(src, x, y, w, h);
        if (w == outW && h == outH) {
            return crop;
        }
        OpenCvLoader.load();
        Mat in = new Mat(h, w, CvType.CV_8UC3);
        Mat out = new Mat();
        try {
            in.put(0, 0, crop.rgb());
            Imgproc.resize(in, out, new Size(outW, outH), 0, 0, Imgproc.INTER_LINEAR);
            byte[] px = new byte[outW * outH * 3];
            out.get(0, 0, px);
            return new RgbImage(outW, outH, px);
        } finally {
            in.release();
            out.release();
        }
    }

    static RgbImage crop(RgbImage src, int x, int y, int w, int h) {
        if (x == 0 && y == 0 && w == src.width() && h == src.height()) {
            return src;
        }
        byte[] s = src.rgb();
        byte[] d = new byte[w * h * 3];
        for (int r = 0; r < h; r++) {
            System.arraycopy(s, ((y + r) * src.width() + x) * 3, d, r * w * 3, w * 3);
        }
        return new RgbImage(w, h, d);
    }
}
