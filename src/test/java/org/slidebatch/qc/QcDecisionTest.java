package org.slidebatch.qc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QcDecisionTest {

    private static final QcThresholds DEFAULTS = QcThresholds.defaults();

    @Test
    void cleanSlideHasNoReasons() {
        QcMetrics m = new QcMetrics(0.5, 0.4, 0.0, 120.0, 200.0, 60.0);
        assertThat(QcDecision.reasons(m, DEFAULTS)).isEmpty();
        assertThat(QcDecision.reasonsColumn(m, DEFAULTS)).isEmpty();
        assertThat(QcDecision.excluded(m, DEFAULTS)).isZero();
    }

    @Test
    void allReasonsInOpenSlideFmOrder() {
        QcMetrics m = new QcMetrics(0.05, 0.9, 0.03, 3.0, 240.0, 10.0);
        assertThat(QcDecision.reasons(m, DEFAULTS)).containsExactly("low_tissue<0.10", "white>0.75", "blur<15.0", "pen>0.02");
        assertThat(QcDecision.reasonsColumn(m, DEFAULTS)).isEqualTo("low_tissue<0.10;white>0.75;blur<15.0;pen>0.02");
        assertThat(QcDecision.excluded(m, DEFAULTS)).isOne();
    }

    @Test
    void comparisonsAreStrict() {
        QcMetrics atThresholds = new QcMetrics(0.10, 0.75, 0.02, 15.0, 0, 0);
        assertThat(QcDecision.reasons(atThresholds, DEFAULTS)).isEmpty();
        assertThat(QcDecision.reasons(new QcMetrics(0.5, 0.2, 0.0, 14.999, 0, 0), DEFAULTS)).containsExactly("blur<15.0");
        assertThat(QcDecision.reasons(new QcMetrics(0.5, 0.2, 0.0201, 99, 0, 0), DEFAULTS)).containsExactly("pen>0.02");
    }

    @Test
    void customThresholdsAreFormattedLikePython() {
        // f"{0.125:.2f}" == "0.12" (exact binary tie, half-even), f"{0.675:.2f}" == "0.68" (0.675 is stored
        // slightly above), f"{7.25:.1f}" == "7.2", f"{100:.1f}" == "100.0", f"{0.015:.2f}" == "0.01".
        QcThresholds t = new QcThresholds(0.125, 0.675, 7.25, 0.015);
        QcMetrics m = new QcMetrics(0.0, 1.0, 1.0, 0.0, 0, 0);
        assertThat(QcDecision.reasons(m, t)).containsExactly("low_tissue<0.12", "white>0.68", "blur<7.2", "pen>0.01");
        assertThat(QcDecision.reasons(m, new QcThresholds(1.0, 0.0, 100, 0.0)))
            .containsExactly("low_tissue<1.00", "white>0.00", "blur<100.0", "pen>0.00");
    }

    @Test
    void pythonFixedFormatting() {
        assertThat(QcDecision.pyFixed(0.1, 2)).isEqualTo("0.10");
        assertThat(QcDecision.pyFixed(2.675, 2)).isEqualTo("2.67");
        assertThat(QcDecision.pyFixed(0.25, 1)).isEqualTo("0.2");
        assertThat(QcDecision.pyFixed(0.35, 1)).isEqualTo("0.3");
        assertThat(QcDecision.pyFixed(-0.001, 2)).isEqualTo("-0.00");
        assertThat(QcDecision.pyFixed(1234567.0, 1)).isEqualTo("1234567.0");
    }
}
