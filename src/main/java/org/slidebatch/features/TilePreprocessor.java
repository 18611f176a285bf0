package org.slidebatch.features;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.tissue.OpenCvLoader;

/**
 * A tile as the model sees it: resized to 224 px (OpenCV INTER_AREA for shrinking, INTER_LINEAR for growing),
 * scaled to [0, 1] and ImageNet-normalised, written as planar CHW floats into a batch buffer.
 */
public final class TilePreprocessor {

    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    private TilePreprocessor() {
    }

    /** Writes 3×size×size floats of {@code tile} at {@code offset} of {@code batch}. */
    public static void normalizeInto(RgbImage tile, int size, float[] batch, int offset) {
        byte[] rgb = tile.width() == size && tile.height() == size ? tile.rgb() : resize(tile, size);
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float v = (rgb[i * 3 + c] & 0xff) / 255f;
                batch[offset + c * plane + i] = (v - MEAN[c]) / STD[c];
            }
        }
    }

    static byte[] resize(RgbImage tile, int size) {
        OpenCvLoader.load();
        Mat src = new Mat(tile.height(), tile.width(), CvType.CV_8UC3);
        Mat dst = new Mat();
        try {
            src.put(0, 0, tile.rgb());
            int interpolation = tile.width() > size ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR;
            Imgproc.resize(src, dst, new Size(size, size), 0, 0, interpolation);
            byte[] out = new byte[size * size * 3];
            dst.get(0, 0, out);
            return out;
        } finally {
            src.release();
            dst.release();
        }
    }
}
