package org.slidebatch.tissue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClamPresetsTest {

    @Test
    void defaultsAreCreatePatchesFpDefaults() {
        ClamSegmentationParams d = ClamSegmentationParams.defaults();
        assertThat(d).isEqualTo(new ClamSegmentationParams(-1, 8, 255, 7, 4, false, 100, 16, 8, true, "four_pt", 512));
        d.validate("default");
        assertThat(ClamPresets.resolve(null, null)).isEqualTo(d);
        assertThat(ClamPresets.resolve(" ", Map.of())).isEqualTo(d);
        assertThat(ClamPresets.preset("default")).isEqualTo(d);
    }

    @Test
    void sixPresetsInSpecOrder() {
        assertThat(ClamPresets.names()).containsExactly("clam-tcga", "clam-bwh-biopsy", "clam-bwh-resection",
            "gpfm-tcga", "gpfm-bcnb", "gpfm-dhmc");
    }

    // SPEC §3 table: seg_level, sthresh, mthresh, close, use_otsu, a_t, a_h, max_n_holes, use_padding, contour_fn
    @ParameterizedTest
    @CsvSource({
        "clam-tcga,          -1,  8,  7, 4, false, 16,  4, 8, true,  four_pt",
        "clam-bwh-biopsy,    -1, 15, 11, 2, false,  1,  1, 2, true,  four_pt",
        "clam-bwh-resection, -1, 15, 11, 4, false, 100, 16, 8, true, four_pt",
        "gpfm-tcga,          -1,  8,  7, 4, true,  16,  4, 8, true,  four_pt",
        "gpfm-bcnb,          -1, 10,  7, 4, false, 16,  4, 8, false, four_pt",
        "gpfm-dhmc,          -1,  4,  6, 4, false, 16,  2, 8, true,  four_pt",
    })
    void presetMatchesSpecTable(String name, int segLevel, int sthresh, int mthresh, int close, boolean useOtsu,
                                int aT, int aH, int maxNHoles, boolean usePadding, String contourFn) {
        ClamSegmentationParams p = ClamPresets.preset(name);
        assertThat(p).isEqualTo(new ClamSegmentationParams(segLevel, sthresh, 255, mthresh, close, useOtsu, aT, aH,
            maxNHoles, usePadding, contourFn, 512));
    }

    @Test
    void allPresetsButDhmcValidate() {
        for (String name : ClamPresets.names()) {
            if (!name.equals("gpfm-dhmc")) {
                assertThat(ClamPresets.resolve(name, Map.of())).isEqualTo(ClamPresets.preset(name));
            }
        }
    }

    @Test
    void evenMedianKernelIsRejectedNamingPresetAndParameter() {
        assertThatThrownBy(() -> ClamPresets.resolve("gpfm-dhmc", Map.of()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("preset gpfm-dhmc: mthresh must be odd and > 1 (OpenCV medianBlur), got 6");
        assertThatThrownBy(() -> ClamPresets.resolve("clam-tcga", Map.of("mthresh", "4")))
            .hasMessage("preset clam-tcga: mthresh must be odd and > 1 (OpenCV medianBlur), got 4");
        assertThatThrownBy(() -> ClamPresets.resolve(null, Map.of("mthresh", "1")))
            .hasMessageContaining("preset default: mthresh");
        // Overriding the kernel makes DHMC usable.
        ClamSegmentationParams fixed = ClamPresets.resolve("gpfm-dhmc", Map.of("mthresh", "7"));
        assertThat(fixed.mthresh()).isEqualTo(7);
        assertThat(fixed.sthresh()).isEqualTo(4);
    }

    @Test
    void unknownPresetListsNames() {
        assertThatThrownBy(() -> ClamPresets.preset("tcga"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("tcga")
            .hasMessageContaining("clam-tcga, clam-bwh-biopsy, clam-bwh-resection, gpfm-tcga, gpfm-bcnb, gpfm-dhmc");
    }

    @Test
    void everyParameterIsOverridableByClamName() {
        ClamSegmentationParams p = ClamPresets.resolve("clam-tcga", Map.ofEntries(
            Map.entry("seg_level", "2"), Map.entry("sthresh", "20"), Map.entry("sthresh_up", "200"),
            Map.entry("mthresh", "9"), Map.entry("close", "0"), Map.entry("use_otsu", "True"),
            Map.entry("a_t", "5"), Map.entry("a_h", "3"), Map.entry("max_n_holes", "0"),
            Map.entry("use_padding", "false"), Map.entry("contour_fn", "center"), Map.entry("ref_patch_size", "256")));
        assertThat(p).isEqualTo(new ClamSegmentationParams(2, 20, 200, 9, 0, true, 5, 3, 0, false, "center", 256));
        assertThat(ClamSegmentationParams.defaults().withOverrides(p.asClamNamedMap())).isEqualTo(p);
    }

    @Test
    void unknownOrMalformedOverridesAreRejected() {
        assertThatThrownBy(() -> ClamSegmentationParams.defaults().withOverrides(Map.of("athresh", "3")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("athresh")
            .hasMessageContaining("seg_level, sthresh, sthresh_up, mthresh, close, use_otsu, a_t, a_h, max_n_holes, "
                + "use_padding, contour_fn, ref_patch_size");
        assertThatThrownBy(() -> ClamSegmentationParams.defaults().withOverrides(Map.of("a_t", "1.5")))
            .hasMessageContaining("a_t must be an integer");
        assertThatThrownBy(() -> ClamSegmentationParams.defaults().withOverrides(Map.of("use_otsu", "maybe")))
            .hasMessageContaining("use_otsu must be true or false");
    }

    @Test
    void otherInvalidValuesNameTheParameter() {
        assertThatThrownBy(() -> ClamPresets.resolve("clam-tcga", Map.of("sthresh", "256"))).hasMessageContaining("preset clam-tcga: sthresh");
        assertThatThrownBy(() -> ClamPresets.resolve("clam-tcga", Map.of("close", "-1"))).hasMessageContaining("close");
        assertThatThrownBy(() -> ClamPresets.resolve("clam-tcga", Map.of("a_t", "-1"))).hasMessageContaining("a_t");
        assertThatThrownBy(() -> ClamPresets.resolve("clam-tcga", Map.of("seg_level", "-2"))).hasMessageContaining("seg_level");
        assertThatThrownBy(() -> ClamPresets.resolve("clam-tcga", Map.of("contour_fn", "five_pt"))).hasMessageContaining("contour_fn");
        assertThatThrownBy(() -> ClamPresets.resolve("clam-tcga", Map.of("max_n_holes", "-3"))).hasMessageContaining("max_n_holes");
    }
}
