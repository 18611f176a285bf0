package org.slidebatch.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.imgproc.Imgproc;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.tissue.ClamPresets;
import org.slidebatch.tissue.ClamSegmentationParams;
import org.slidebatch.tissue.ClamSegmenter;
import org.slidebatch.tissue.CombinedTissueDetector;
import org.slidebatch.tissue.HsvTissueDetector;
import org.slidebatch.tissue.OpenCvLoader;
import org.slidebatch.tissue.OtsuTissueDetector;
import org.slidebatch.tissue.TissueContour;
import org.slidebatch.tissue.TissueDetector;
import org.slidebatch.tissue.TissueSegmentation;

/**
 * Where a stream's tissue mask comes from: a CLAM preset (SPEC §3, run on the thumbnail as wsistream's
 * {@code CLAMTissueDetector} does, filtered contours rasterised back with their holes) or one of wsistream's
 * detectors ({@code otsu}, {@code hsv}, {@code otsu+hsv}). Implementations must be thread-safe.
 */
public interface TissueSource {

    /** The name configs use: a CLAM preset name, {@code otsu}, {@code hsv} or {@code otsu+hsv}. */
    String name();

    /**
     * The tissue mask of a thumbnail, thumbnail width × height bytes, non-zero = tissue.
     *
     * @param dsX level-0 width / thumbnail width (CLAM's area scaling uses it)
     */
    byte[] detect(String slideId, RgbImage thumbnail, double dsX, double dsY);

    List<String> DETECTORS = List.of("otsu", "hsv", "otsu+hsv");

    /** A CLAM preset name ({@link ClamPresets#names()} or {@code default}) or a detector name. */
    static TissueSource named(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "otsu" -> detector("otsu", new OtsuTissueDetector());
            case "hsv" -> detector("hsv", new HsvTissueDetector());
            case "otsu+hsv", "combined" -> detector("otsu+hsv", CombinedTissueDetector.otsuAndHsv());
            default -> {
                if (!ClamPresets.names().contains(key) && !key.equals(ClamPresets.DEFAULT)) {
                    throw new IllegalArgumentException("unknown tissue source '" + name + "'; use a CLAM preset ("
                        + String.join(", ", ClamPresets.names()) + ", " + ClamPresets.DEFAULT + ") or a detector ("
                        + String.join(", ", DETECTORS) + ")");
                }
                yield clam(key, Map.of());
            }
        };
    }

    /** A CLAM preset with CLAM-named overrides, validated now (an even mthresh fails here, naming the preset). */
    static TissueSource clam(String preset, Map<String, String> overrides) {
        ClamSegmentationParams params = ClamPresets.resolve(preset, overrides);
        String name = overrides == null || overrides.isEmpty() ? preset : preset + overrides;
        return new ClamThumbnailSource(name, params);
    }

    static TissueSource detector(String name, TissueDetector detector) {
        return of(name, detector::detect);
    }

    /** Any function of the thumbnail (tests: fixed masks). */
    static TissueSource of(String name, Function<RgbImage, byte[]> fn) {
        return new TissueSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public byte[] detect(String slideId, RgbImage thumbnail, double dsX, double dsY) {
                return fn.apply(thumbnail);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** CLAM on the thumbnail, then its kept contours filled and kept holes cleared (wsistream's rasterisation). */
    record ClamThumbnailSource(String name, ClamSegmentationParams params) implements TissueSource {

        @Override
        public byte[] detect(String slideId, RgbImage thumbnail, double dsX, double dsY) {
            OpenCvLoader.load();
            int w = thumbnail.width();
            int h = thumbnail.height();
            long w0 = Math.round(w * dsX);
            long h0 = Math.round(h * dsY);
            TissueSegmentation seg = ClamSegmenter.segmentImage(slideId, thumbnail, 0, dsX, dsY, w0, h0, params);
            Mat mask = Mat.zeros(h, w, CvType.CV_8UC1);
            try {
                for (TissueContour c : seg.contours()) {
                    fill(mask, c.outer(), dsX, dsY, 255);
                    for (int[][] hole : c.holes()) {
                        fill(mask, hole, dsX, dsY, 0);
                    }
                }
                byte[] out = new byte[w * h];
                mask.get(0, 0, out);
                return out;
            } finally {
                mask.release();
            }
        }

        /**
         * ClamSegmenter scales thumbnail points to level 0 as {@code int(p · ds)}; for ds ≥ 1,
         * {@code ceil(p0 / ds − ε)} recovers the thumbnail point exactly, so the mask is CLAM's own contours.
         */
        private static void fill(Mat mask, int[][] pts, double dsX, double dsY, int value) {
            if (pts.length == 0) {
                return;
            }
            int[] flat = new int[pts.length * 2];
            for (int i = 0; i < pts.length; i++) {
                flat[2 * i] = (int) Math.ceil(pts[i][0] / dsX - 1e-7);
                flat[2 * i + 1] = (int) Math.ceil(pts[i][1] / dsY - 1e-7);
            }
            MatOfPoint m = new MatOfPoint();
            try {
                m.create(pts.length, 1, CvType.CV_32SC2);
                m.put(0, 0, flat);
                List<MatOfPoint> list = new ArrayList<>(1);
                list.add(m);
                Imgproc.drawContours(mask, list, 0, new org.opencv.core.Scalar(value), Imgproc.FILLED);
            } finally {
                m.release();
            }
        }

        @Override
        public String toString() {
            return "clam:" + name;
        }
    }
}
