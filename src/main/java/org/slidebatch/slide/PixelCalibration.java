package org.slidebatch.slide;

import java.util.Map;
import java.util.Optional;

/**
 * Micrometres per level-0 pixel and where that number came from. Looked up in TRIDENT's order
 * (SPEC §1); a slide with none is {@link #missing()} and never silently assumed to be 0.25.
 */
public record PixelCalibration(Double mppX, Double mppY, String source) {

    /** Property keys tried in order; the first that yields a positive number wins. */
    public static final String[] LOOKUP_ORDER = {
        "openslide.mpp-x", "aperio.MPP", "openslide.mirax.MPP", "hamamatsu.XResolution", "tiff.XResolution"
    };

    public static PixelCalibration missing() {
        return new PixelCalibration(null, null, "missing");
    }

    public boolean isKnown() {
        return mppX != null && mppX > 0;
    }

    /** The mean of x and y, for stages that treat pixels as square. */
    public double mpp() {
        if (!isKnown()) {
            throw new IllegalStateException("µm/px is unknown (mpp_missing)");
        }
        return mppY == null ? mppX : (mppX + mppY) / 2.0;
    }

    public PixelCalibration orElse(PixelCalibration fallback) {
        return isKnown() ? this : fallback;
    }

    public static PixelCalibration fromProperties(Map<String, String> props) {
        Optional<Double> x = positive(props.get("openslide.mpp-x"));
        if (x.isPresent()) {
            return new PixelCalibration(x.get(), positive(props.get("openslide.mpp-y")).orElse(x.get()), "openslide.mpp-x");
        }
        for (String key : new String[] {"aperio.MPP", "openslide.mirax.MPP"}) {
            Optional<Double> v = positive(props.get(key));
            if (v.isPresent()) {
                return new PixelCalibration(v.get(), v.get(), key);
            }
        }
        // Hamamatsu stores pixels per centimetre.
        Optional<Double> ham = positive(props.get("hamamatsu.XResolution"));
        if (ham.isPresent()) {
            double mpp = 10_000.0 / ham.get();
            return new PixelCalibration(mpp, mpp, "hamamatsu.XResolution");
        }
        Optional<Double> res = positive(props.get("tiff.XResolution"));
        String unit = props.getOrDefault("tiff.ResolutionUnit", "").toLowerCase(java.util.Locale.ROOT);
        if (res.isPresent() && (unit.equals("centimeter") || unit.equals("inch"))) {
            double perUnitMicrons = unit.equals("centimeter") ? 10_000.0 : 25_400.0;
            double mppX = perUnitMicrons / res.get();
            double mppY = positive(props.get("tiff.YResolution")).map(r -> perUnitMicrons / r).orElse(mppX);
            // A TIFF written at 72 dpi "resolution" is a screen default, not a scanner calibration.
            if (mppX < 100) {
                return new PixelCalibration(mppX, mppY, "tiff.XResolution");
            }
        }
        return missing();
    }

    private static Optional<Double> positive(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            double d = Double.parseDouble(value.trim());
            return d > 0 && Double.isFinite(d) ? Optional.of(d) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
