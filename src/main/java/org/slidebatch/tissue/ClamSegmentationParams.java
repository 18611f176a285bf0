package org.slidebatch.tissue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CLAM's tissue-segmentation parameters (SPEC §3), under CLAM's own names when given as strings.
 *
 * <p>{@code sthresh}, {@code sthreshUp}, {@code mthresh}, {@code close}, {@code useOtsu} and
 * {@code segLevel} go to {@code segmentTissue}; {@code aT}, {@code aH} and {@code maxNHoles} are CLAM's
 * {@code filter_params} ({@code a_t} and {@code a_h} count reference patches of {@code refPatchSize}²
 * level-0 pixels); {@code usePadding} and {@code contourFn} are the patching parameters that CLAM's preset
 * CSVs carry alongside and that the grid step reads from the same preset.
 */
public record ClamSegmentationParams(int segLevel, int sthresh, int sthreshUp, int mthresh, int close, boolean useOtsu,
                                     int aT, int aH, int maxNHoles, boolean usePadding, String contourFn,
                                     int refPatchSize) {

    /** CLAM's names, in the order of {@code create_patches_fp.py}; the keys {@link #withOverrides} accepts. */
    public static final List<String> KEYS = List.of("seg_level", "sthresh", "sthresh_up", "mthresh", "close", "use_otsu",
        "a_t", "a_h", "max_n_holes", "use_padding", "contour_fn", "ref_patch_size");

    /** The contour functions CLAM's {@code process_contour} knows. */
    public static final List<String> CONTOUR_FNS = List.of("four_pt", "four_pt_hard", "center", "basic");

    public ClamSegmentationParams {
        if (contourFn == null) {
            throw new IllegalArgumentException("contour_fn must not be null");
        }
    }

    /**
     * The defaults of CLAM's {@code create_patches_fp.py}: seg_params (seg_level -1, sthresh 8, mthresh 7,
     * close 4, use_otsu false), filter_params (a_t 100, a_h 16, max_n_holes 8), patch_params (use_padding
     * true, contour_fn four_pt), and {@code segmentTissue}'s own defaults for what the script does not pass
     * (sthresh_up 255, ref_patch_size 512).
     */
    public static ClamSegmentationParams defaults() {
        return new ClamSegmentationParams(-1, 8, 255, 7, 4, false, 100, 16, 8, true, "four_pt", 512);
    }

    /**
     * A copy with some parameters replaced. Keys are CLAM's names ({@link #KEYS}); values are integers or,
     * for use_otsu/use_padding, booleans (true or false, any case). Validation of the values'
     * ranges is {@link #validate}'s job; this only parses.
     */
    public ClamSegmentationParams withOverrides(Map<String, String> clamNamedParams) {
        if (clamNamedParams == null || clamNamedParams.isEmpty()) {
            return this;
        }
        int segLevel = this.segLevel;
        int sthresh = this.sthresh;
        int sthreshUp = this.sthreshUp;
        int mthresh = this.mthresh;
        int close = this.close;
        boolean useOtsu = this.useOtsu;
        int aT = this.aT;
        int aH = this.aH;
        int maxNHoles = this.maxNHoles;
        boolean usePadding = this.usePadding;
        String contourFn = this.contourFn;
        int refPatchSize = this.refPatchSize;
        // Sorted so that the first bad key reported is the same on every run.
        for (Map.Entry<String, String> e : new TreeMap<>(clamNamedParams).entrySet()) {
            String key = e.getKey() == null ? "" : e.getKey().trim();
            String value = e.getValue();
            switch (key) {
                case "seg_level" -> segLevel = parseInt(key, value);
                case "sthresh" -> sthresh = parseInt(key, value);
                case "sthresh_up" -> sthreshUp = parseInt(key, value);
                case "mthresh" -> mthresh = parseInt(key, value);
                case "close" -> close = parseInt(key, value);
                case "use_otsu" -> useOtsu = parseBoolean(key, value);
                case "a_t" -> aT = parseInt(key, value);
                case "a_h" -> aH = parseInt(key, value);
                case "max_n_holes" -> maxNHoles = parseInt(key, value);
                case "use_padding" -> usePadding = parseBoolean(key, value);
                case "contour_fn" -> contourFn = value == null ? null : value.trim();
                case "ref_patch_size" -> refPatchSize = parseInt(key, value);
                default -> throw new IllegalArgumentException("unknown tissue segmentation parameter '" + e.getKey()
                    + "'; valid parameters: " + String.join(", ", KEYS));
            }
        }
        if (contourFn == null) {
            throw new IllegalArgumentException("contour_fn needs a value; one of " + String.join(", ", CONTOUR_FNS));
        }
        return new ClamSegmentationParams(segLevel, sthresh, sthreshUp, mthresh, close, useOtsu, aT, aH, maxNHoles,
            usePadding, contourFn, refPatchSize);
    }

    /**
     * Checks every value CLAM (or OpenCV under it) would crash on or silently misread. The message names the
     * preset and the parameter, e.g. {@code preset gpfm-dhmc: mthresh must be odd and > 1 (OpenCV medianBlur),
     * got 6}.
     */
    public void validate(String presetName) {
        String where = "preset " + (presetName == null ? "default" : presetName) + ": ";
        if (mthresh <= 1 || mthresh % 2 == 0) {
            throw new IllegalArgumentException(where + "mthresh must be odd and > 1 (OpenCV medianBlur), got " + mthresh);
        }
        if (segLevel < -1) {
            throw new IllegalArgumentException(where + "seg_level must be -1 (automatic) or a level >= 0, got " + segLevel);
        }
        if (sthresh < 0 || sthresh > 255) {
            throw new IllegalArgumentException(where + "sthresh must be in 0..255 (8-bit saturation), got " + sthresh);
        }
        if (sthreshUp < 1 || sthreshUp > 255) {
            throw new IllegalArgumentException(where + "sthresh_up must be in 1..255 (value written for tissue), got " + sthreshUp);
        }
        if (close < 0) {
            throw new IllegalArgumentException(where + "close must be >= 0 (0 disables closing), got " + close);
        }
        if (aT < 0) {
            throw new IllegalArgumentException(where + "a_t must be >= 0, got " + aT);
        }
        if (aH < 0) {
            throw new IllegalArgumentException(where + "a_h must be >= 0, got " + aH);
        }
        if (maxNHoles < 0) {
            throw new IllegalArgumentException(where + "max_n_holes must be >= 0, got " + maxNHoles);
        }
        if (refPatchSize <= 0) {
            throw new IllegalArgumentException(where + "ref_patch_size must be > 0, got " + refPatchSize);
        }
        if (!CONTOUR_FNS.contains(contourFn)) {
            throw new IllegalArgumentException(where + "contour_fn must be one of " + String.join(", ", CONTOUR_FNS)
                + ", got '" + contourFn + "'");
        }
    }

    /** These parameters under CLAM's names, in {@link #KEYS} order (for provenance records). */
    public Map<String, String> asClamNamedMap() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("seg_level", Integer.toString(segLevel));
        m.put("sthresh", Integer.toString(sthresh));
        m.put("sthresh_up", Integer.toString(sthreshUp));
        m.put("mthresh", Integer.toString(mthresh));
        m.put("close", Integer.toString(close));
        m.put("use_otsu", Boolean.toString(useOtsu));
        m.put("a_t", Integer.toString(aT));
        m.put("a_h", Integer.toString(aH));
        m.put("max_n_holes", Integer.toString(maxNHoles));
        m.put("use_padding", Boolean.toString(usePadding));
        m.put("contour_fn", contourFn);
        m.put("ref_patch_size", Integer.toString(refPatchSize));
        return m;
    }

    private static int parseInt(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " needs an integer value, got nothing");
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'");
        }
    }

    private static boolean parseBoolean(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
        };
    }
}
