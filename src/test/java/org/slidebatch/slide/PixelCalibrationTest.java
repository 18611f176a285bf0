package org.slidebatch.slide;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PixelCalibrationTest {

    private static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static PixelCalibration cal(String... kv) {
        return PixelCalibration.fromProperties(props(kv));
    }

    @Test
    void lookupOrderConstant() {
        assertThat(PixelCalibration.LOOKUP_ORDER).containsExactly(
            "openslide.mpp-x", "aperio.MPP", "openslide.mirax.MPP", "hamamatsu.XResolution", "tiff.XResolution");
    }

    @Test
    void openslideMppWinsOverEverythingElse() {
        PixelCalibration c = cal(
            "openslide.mpp-x", "0.2526", "openslide.mpp-y", "0.2530",
            "aperio.MPP", "0.5", "openslide.mirax.MPP", "0.7", "hamamatsu.XResolution", "40000",
            "tiff.XResolution", "40000", "tiff.ResolutionUnit", "centimeter");
        assertThat(c.source()).isEqualTo("openslide.mpp-x");
        assertThat(c.mppX()).isEqualTo(0.2526);
        assertThat(c.mppY()).isEqualTo(0.2530);
        assertThat(c.mpp()).isCloseTo(0.2528, within(1e-12));
        assertThat(c.isKnown()).isTrue();
    }

    @Test
    void openslideMppYDefaultsToX() {
        PixelCalibration c = cal("openslide.mpp-x", "0.499");
        assertThat(c.mppY()).isEqualTo(0.499);
        assertThat(c.mpp()).isEqualTo(0.499);
        PixelCalibration garbageY = cal("openslide.mpp-x", "0.499", "openslide.mpp-y", "n/a");
        assertThat(garbageY.mppY()).isEqualTo(0.499);
    }

    @Test
    void aperioThenMiraxThenHamamatsu() {
        PixelCalibration aperio = cal("aperio.MPP", " 0.4990 ", "openslide.mirax.MPP", "0.7", "hamamatsu.XResolution", "40000");
        assertThat(aperio.source()).isEqualTo("aperio.MPP");
        assertThat(aperio.mppX()).isEqualTo(0.499);
        assertThat(aperio.mppY()).isEqualTo(0.499);

        PixelCalibration mirax = cal("openslide.mirax.MPP", "0.2433", "hamamatsu.XResolution", "40000");
        assertThat(mirax.source()).isEqualTo("openslide.mirax.MPP");
        assertThat(mirax.mppX()).isEqualTo(0.2433);

        // Hamamatsu stores pixels per centimetre: 40,000 px/cm = 0.25 µm/px
        PixelCalibration ham = cal("hamamatsu.XResolution", "40000",
            "tiff.XResolution", "10000", "tiff.ResolutionUnit", "centimeter");
        assertThat(ham.source()).isEqualTo("hamamatsu.XResolution");
        assertThat(ham.mppX()).isCloseTo(0.25, within(1e-12));
        assertThat(ham.mppY()).isCloseTo(0.25, within(1e-12));
        assertThat(cal("hamamatsu.XResolution", "22727.27").mppX()).isCloseTo(10000 / 22727.27, within(1e-12));
    }

    @Test
    void tiffResolutionInCentimetres() {
        PixelCalibration c = cal("tiff.XResolution", "40000", "tiff.YResolution", "20000", "tiff.ResolutionUnit", "centimeter");
        assertThat(c.source()).isEqualTo("tiff.XResolution");
        assertThat(c.mppX()).isCloseTo(0.25, within(1e-12));
        assertThat(c.mppY()).isCloseTo(0.5, within(1e-12));
        assertThat(c.mpp()).isCloseTo(0.375, within(1e-12));
    }

    @Test
    void tiffResolutionInInches() {
        // 101,600 dpi = 25,400 µm / 101,600 = 0.25 µm/px
        PixelCalibration c = cal("tiff.XResolution", "101600", "tiff.ResolutionUnit", "inch");
        assertThat(c.source()).isEqualTo("tiff.XResolution");
        assertThat(c.mppX()).isCloseTo(0.25, within(1e-12));
        assertThat(c.mppY()).isCloseTo(0.25, within(1e-12)); // no YResolution: square pixels
        assertThat(cal("tiff.XResolution", "50800", "tiff.ResolutionUnit", "INCH").mppX()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void tiffResolutionWithoutUnitIsMissing() {
        assertThat(cal("tiff.XResolution", "40000").isKnown()).isFalse();
        assertThat(cal("tiff.XResolution", "40000", "tiff.ResolutionUnit", "none").source()).isEqualTo("missing");
        assertThat(cal("tiff.XResolution", "40000", "tiff.ResolutionUnit", "").isKnown()).isFalse();
    }

    @Test
    void screenDpiIsNotACalibration() {
        // 72 or 96 dpi: hundreds of µm per pixel, a writer default rather than a scan
        assertThat(cal("tiff.XResolution", "72", "tiff.ResolutionUnit", "inch").isKnown()).isFalse();
        assertThat(cal("tiff.XResolution", "96", "tiff.ResolutionUnit", "inch").isKnown()).isFalse();
        assertThat(cal("tiff.XResolution", "28.346456527709961", "tiff.ResolutionUnit", "centimeter").isKnown()).isFalse();
    }

    @Test
    void garbageValuesAreIgnoredAndLookupContinues() {
        PixelCalibration c = cal(
            "openslide.mpp-x", "abc", "aperio.MPP", "0", "openslide.mirax.MPP", "-0.25",
            "hamamatsu.XResolution", "NaN", "tiff.XResolution", "40000", "tiff.ResolutionUnit", "centimeter");
        assertThat(c.source()).isEqualTo("tiff.XResolution");
        assertThat(c.mppX()).isCloseTo(0.25, within(1e-12));

        assertThat(cal("openslide.mpp-x", "Infinity", "aperio.MPP", "0.5").source()).isEqualTo("aperio.MPP");
        assertThat(cal("openslide.mpp-x", "", "aperio.MPP", "   ", "openslide.mirax.MPP", "0.3").source())
            .isEqualTo("openslide.mirax.MPP");
        assertThat(cal("openslide.mpp-x", "0.5um").isKnown()).isFalse();
        assertThat(cal("hamamatsu.XResolution", "-5").isKnown()).isFalse();
        assertThat(cal("tiff.XResolution", "zero", "tiff.ResolutionUnit", "inch").isKnown()).isFalse();
    }

    @Test
    void nothingIsMissing() {
        PixelCalibration c = PixelCalibration.fromProperties(Map.of());
        assertThat(c).isEqualTo(PixelCalibration.missing());
        assertThat(c.isKnown()).isFalse();
        assertThat(c.mppX()).isNull();
        assertThat(c.source()).isEqualTo("missing");
        assertThatThrownBy(c::mpp).isInstanceOf(IllegalStateException.class).hasMessageContaining("mpp_missing");
    }

    @Test
    void orElseFallsBackOnlyWhenUnknown() {
        PixelCalibration known = cal("aperio.MPP", "0.5");
        PixelCalibration override = new PixelCalibration(0.25, 0.25, "override");
        assertThat(known.orElse(override)).isSameAs(known);
        assertThat(PixelCalibration.missing().orElse(override)).isSameAs(override);
    }
}
