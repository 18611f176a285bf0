package org.slidebatch.sampling;

import java.util.Locale;

import org.slidebatch.qc.QualityMetrics;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.tissue.HsvTissueDetector;

/**
 * A per-patch quality check applied after the read, before transforms (wsistream's {@code PatchFilter}). A
 * rejected patch is dropped and still counts towards the slide's {@code patches_per_slide}. Thread-safe.
 */
public interface PatchFilter {

    boolean accept(RgbImage patch);

    /** The spelling {@link #parse} reads back. */
    String spec();

    /**
     * {@code none}/blank → null; {@code hsv[:fraction]} (Midnight's per-tile HSV rule H 90–180, S 8–255,
     * V 103–255 on OpenCV HSV, default fraction 0.6); {@code qc[:fraction]} (the QC tissue rule S ≥ 20 ∧ V < 230
     * on Pillow's HSV, default fraction 0.5).
     */
    static PatchFilter parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
            return null;
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        String name = s;
        Double arg = null;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            name = s.substring(0, colon).trim();
            try {
                arg = Double.parseDouble(s.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("filter fraction must be a number, got '" + spec + "'");
            }
        }
        return switch (name) {
            case "hsv" -> new HsvFilter(arg == null ? 0.6 : arg);
            case "qc" -> new QcTissueFilter(arg == null ? 0.5 : arg);
            default -> throw new IllegalArgumentException("unknown filter '" + spec + "' (known: none, hsv[:fraction], qc[:fraction])");
        };
    }

    /** wsistream's {@code HSVPatchFilter}: at least {@code minPixelFraction} of pixels in Midnight's HSV ranges. */
    record HsvFilter(double minPixelFraction) implements PatchFilter {

        public HsvFilter {
            if (!(minPixelFraction >= 0 && minPixelFraction <= 1)) {
                throw new IllegalArgumentException("min_pixel_fraction must be in [0, 1], got " + minPixelFraction);
            }
        }

        @Override
        public boolean accept(RgbImage patch) {
            byte[] in = new HsvTissueDetector().detect(patch);
            return fraction(in) >= minPixelFraction;
        }

        @Override
        public String spec() {
            return "hsv:" + minPixelFraction;
        }
    }

    /** The QC tissue rule of SPEC §2 (S ≥ 20 ∧ V < 230, Pillow HSV) on the patch: fraction ≥ minTissueFraction. */
    record QcTissueFilter(double minTissueFraction) implements PatchFilter {

        public QcTissueFilter {
            if (!(minTissueFraction >= 0 && minTissueFraction <= 1)) {
                throw new IllegalArgumentException("min tissue fraction must be in [0, 1], got " + minTissueFraction);
            }
        }

        @Override
        public boolean accept(RgbImage patch) {
            return fraction(QualityMetrics.masks(patch).tissue()) >= minTissueFraction;
        }

        @Override
        public String spec() {
            return "qc:" + minTissueFraction;
        }
    }

    private static double fraction(byte[] mask) {
        long n = 0;
        for (byte b : mask) {
            if (b != 0) {
                n++;
            }
        }
        return mask.length == 0 ? 0 : (double) n / mask.length;
    }
}
