package org.slidebatch.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The models without a scikit-learn peer here (mord is not packaged): properties they must have. */
class ModelsTest {

    @Test
    void lbfgsFindsTheMinimumOfARosenbrockValley() {
        Lbfgs.Result r = new Lbfgs(10, 500, 1e-10, 0).minimize((x, g) -> {
            double a = 1 - x[0];
            double b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }, new double[] {-1.2, 1});
        assertThat(r.converged()).isTrue();
        assertThat(r.x()[0]).isCloseTo(1.0, within(1e-8));
        assertThat(r.x()[1]).isCloseTo(1.0, within(1e-8));
    }

    @Test
    void ordinalRegressionRecoversAMonotoneGrade() {
        SplittableRandom rnd = new SplittableRandom(1);
        int n = 400;
        double[][] x = new double[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double t = rnd.nextDouble() * 6;
            y[i] = (int) t;
            x[i][0] = t + 0.2 * (rnd.nextDouble() - 0.5);
            x[i][1] = rnd.nextDouble();
        }
        OrdinalLogisticAT m = OrdinalLogisticAT.fit(x, y, 1e-3, 2000, 1e-8);
        assertThat(m.classes()).containsExactly(0, 1, 2, 3, 4, 5);
        for (int j = 1; j < m.theta().length; j++) {
            assertThat(m.theta()[j]).isGreaterThan(m.theta()[j - 1]);
        }
        int[] pred = new int[n];
        for (int i = 0; i < n; i++) {
            pred[i] = m.predict(x[i]);
        }
        assertThat(Metrics.cohenKappa(y, pred, Metrics.KappaWeights.QUADRATIC).value()).isGreaterThan(0.95);
        assertThat(Math.abs(m.w()[0])).isGreaterThan(10 * Math.abs(m.w()[1]));
    }

    @Test
    void ridgeClassifierSolvesTheNormalEquations() {
        // One feature, two classes: the ridge solution is closed form.
        double[][] x = {{-2}, {-1}, {1}, {2}, {3}};
        int[] y = {0, 0, 1, 1, 1};
        double alpha = 0.5;
        LinearModel m = RidgeClassifier.fit(x, y, alpha, null);
        double mx = 0.6;
        double my = (-1 - 1 + 1 + 1 + 1) / 5.0;
        double sxx = 0;
        double sxy = 0;
        double[] t = {-1, -1, 1, 1, 1};
        for (int i = 0; i < 5; i++) {
            sxx += (x[i][0] - mx) * (x[i][0] - mx);
            sxy += (x[i][0] - mx) * (t[i] - my);
        }
        double w = sxy / (sxx + alpha);
        assertThat(m.weights()[0][0]).isCloseTo(w, within(1e-12));
        assertThat(m.intercepts()[0]).isCloseTo(my - w * mx, within(1e-12));
        assertThat(m.predict(new double[] {2.5})).isEqualTo(1);
        assertThat(m.predict(new double[] {-3})).isEqualTo(0);
    }

    @Test
    void aClassicalCaseOfEachMetric() {
        // sklearn docs: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75; AP = 0.8333...
        assertThat(Metrics.auroc(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8}).value()).isEqualTo(0.75);
        assertThat(Metrics.averagePrecision(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8}).value())
            .isCloseTo(0.8333333333333333, within(1e-15));
        assertThat(Metrics.auroc(new int[] {1, 1}, new double[] {0.1, 0.2}).undefinedReason()).contains("one class");
        assertThat(Metrics.cohenKappa(new int[] {2, 2}, new int[] {2, 2}, Metrics.KappaWeights.QUADRATIC).defined()).isFalse();
        assertThat(Metrics.cohenKappa(new int[] {0, 1, 2}, new int[] {0, 1, 2}, Metrics.KappaWeights.LINEAR).value()).isEqualTo(1.0);
    }
}
