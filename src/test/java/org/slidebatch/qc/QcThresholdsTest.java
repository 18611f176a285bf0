package org.slidebatch.qc;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QcThresholdsTest {

    @Test
    void defaultsAreOpenSlideFms() {
        assertThat(QcThresholds.defaults()).isEqualTo(new QcThresholds(0.10, 0.75, 15.0, 0.02));
        assertThat(QcThresholds.defaults().asMap()).containsExactly(
            Map.entry("min_tissue_pct", 0.10), Map.entry("max_white_pct", 0.75),
            Map.entry("min_blur_var", 15.0), Map.entry("max_pen_pct", 0.02));
    }

    @Test
    void fromMapOverridesGivenKeys() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("min_tissue_pct", "0.2");
        all.put("max_white_pct", " 0.9 ");
        all.put("min_blur_var", "1e1");
        all.put("max_pen_pct", "0");
        assertThat(QcThresholds.fromMap(all)).isEqualTo(new QcThresholds(0.2, 0.9, 10.0, 0.0));
        assertThat(QcThresholds.fromMap(Map.of("min_blur_var", "30"))).isEqualTo(new QcThresholds(0.10, 0.75, 30.0, 0.02));
        assertThat(QcThresholds.fromMap(Map.of())).isEqualTo(QcThresholds.defaults());
    }

    @Test
    void unknownKeyNamesItAndTheValidKeys() {
        assertThatThrownBy(() -> QcThresholds.fromMap(Map.of("min_tisue_pct", "0.1")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("min_tisue_pct")
            .hasMessageContaining("min_tissue_pct, max_white_pct, min_blur_var, max_pen_pct");
    }

    @Test
    void badNumberNamesTheKey() {
        assertThatThrownBy(() -> QcThresholds.fromMap(Map.of("max_pen_pct", "two percent")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("max_pen_pct")
            .hasMessageContaining("two percent");
        assertThatThrownBy(() -> QcThresholds.fromMap(Map.of("min_blur_var", "")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("min_blur_var");
    }

    @Test
    void outOfRangeValuesNameTheKey() {
        assertThatThrownBy(() -> QcThresholds.fromMap(Map.of("max_white_pct", "1.5")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_white_pct");
        assertThatThrownBy(() -> QcThresholds.fromMap(Map.of("min_tissue_pct", "NaN")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min_tissue_pct");
        assertThatThrownBy(() -> QcThresholds.fromMap(Map.of("min_blur_var", "-1")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min_blur_var");
        assertThatThrownBy(() -> QcThresholds.fromMap(Map.of("min_blur_var", "Infinity")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min_blur_var");
    }
}
