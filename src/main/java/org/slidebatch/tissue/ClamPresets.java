package org.slidebatch.tissue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The six named segmentation presets of SPEC §3: CLAM's {@code presets/*.csv} and GPFM's
 * {@code Patching/presets/*.csv}. Values not in the CSVs are CLAM's ({@code sthresh_up} 255,
 * {@code ref_patch_size} 512).
 *
 * <p>{@link #preset} only looks up; {@link #resolve} also validates, so that a bad combination (GPFM's DHMC
 * preset has an even median kernel, which crashes OpenCV) is rejected when a job starts, naming the preset.
 */
public final class ClamPresets {

    /** The name under which the plain create_patches_fp.py defaults are reported. */
    public static final String DEFAULT = "default";

    private static final Map<String, ClamSegmentationParams> PRESETS = new LinkedHashMap<>();

    static {
        //                      seg_level sthresh mthresh close use_otsu a_t a_h max_n_holes use_padding contour_fn
        PRESETS.put("clam-tcga", p(-1, 8, 7, 4, false, 16, 4, 8, true, "four_pt"));
        PRESETS.put("clam-bwh-biopsy", p(-1, 15, 11, 2, false, 1, 1, 2, true, "four_pt"));
        PRESETS.put("clam-bwh-resection", p(-1, 15, 11, 4, false, 100, 16, 8, true, "four_pt"));
        PRESETS.put("gpfm-tcga", p(-1, 8, 7, 4, true, 16, 4, 8, true, "four_pt"));
        PRESETS.put("gpfm-bcnb", p(-1, 10, 7, 4, false, 16, 4, 8, false, "four_pt"));
        // GPFM's DHMC preset really has mthresh = 6; validate() rejects it (SPEC §3 ⚠).
        PRESETS.put("gpfm-dhmc", p(-1, 4, 6, 4, false, 16, 2, 8, true, "four_pt"));
    }

    private ClamPresets() {
    }

    private static ClamSegmentationParams p(int segLevel, int sthresh, int mthresh, int close, boolean useOtsu,
                                            int aT, int aH, int maxNHoles, boolean usePadding, String contourFn) {
        return new ClamSegmentationParams(segLevel, sthresh, 255, mthresh, close, useOtsu, aT, aH, maxNHoles,
            usePadding, contourFn, 512);
    }

    /** The six preset names, in SPEC order. */
    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    /**
     * The preset's parameters, not validated. Also accepts {@value #DEFAULT} (CLAM's script defaults);
     * names are matched ignoring case and surrounding blanks.
     */
    public static ClamSegmentationParams preset(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (key.equals(DEFAULT)) {
            return ClamSegmentationParams.defaults();
        }
        ClamSegmentationParams params = PRESETS.get(key);
        if (params == null) {
            throw new IllegalArgumentException("unknown segmentation preset '" + name + "'; known presets: "
                + String.join(", ", names()) + " (or " + DEFAULT + ")");
        }
        return params;
    }

    /**
     * Looks up a preset (null or blank: the defaults, reported as {@value #DEFAULT}), applies the overrides
     * (CLAM's parameter names), validates the result naming the preset, and returns it.
     */
    public static ClamSegmentationParams resolve(String presetOrNull, Map<String, String> overrides) {
        String name = presetOrNull == null || presetOrNull.isBlank() ? DEFAULT : presetOrNull.trim().toLowerCase(Locale.ROOT);
        ClamSegmentationParams params = preset(name).withOverrides(overrides);
        params.validate(name);
        return params;
    }
}
