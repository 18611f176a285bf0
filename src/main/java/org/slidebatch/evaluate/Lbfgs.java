package org.slidebatch.evaluate;

/**
 * Limited-memory BFGS (Nocedal & Wright, Alg. 7.4/7.5) with a strong-Wolfe line search (Alg. 3.5/3.6). Written
 * here because Commons Math 3 has no L-BFGS and the libraries that do are GPL (Smile) or heavy; the objectives
 * it minimises (logistic and ordinal losses) are smooth and convex, so this small solver reaches the same optimum
 * as SciPy's L-BFGS-B that scikit-learn uses.
 */
public final class Lbfgs {

    /** f(x); writes ∇f(x) into {@code grad}. */
    @FunctionalInterface
    public interface Objective {
        double evaluate(double[] x, double[] grad);
    }

    public record Result(double[] x, double value, int iterations, int evaluations, boolean converged) {
    }

    private final int memory;
    private final int maxIterations;
    private final double gradientTolerance;
    private final double relativeDecrease;

    /**
     * @param gradientTolerance stop when max|∇f| ≤ this (SciPy's {@code pgtol}, which sklearn sets to its {@code tol})
     * @param relativeDecrease stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ this (SciPy's {@code ftol}); 0: off
     */
    public Lbfgs(int memory, int maxIterations, double gradientTolerance, double relativeDecrease) {
        this.memory = memory;
        this.maxIterations = maxIterations;
        this.gradientTolerance = gradientTolerance;
        this.relativeDecrease = relativeDecrease;
    }

    public Result minimize(Objective f, double[] start) {
        int n = start.length;
        double[] x = start.clone();
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        int evals = 1;
        double[][] s = new double[memory][];
        double[][] y = new double[memory][];
        double[] rho = new double[memory];
        int stored = 0;
        int head = 0;
        double[] d = new double[n];
        double[] alpha = new double[memory];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        for (int iter = 0; iter < maxIterations; iter++) {
            if (maxAbs(g) <= gradientTolerance) {
                return new Result(x, fx, iter, evals, true);
            }
            // Two-loop recursion: d = −H∇f.
            for (int i = 0; i < n; i++) {
                d[i] = -g[i];
            }
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(head - 1 - k, memory);
                alpha[j] = rho[j] * dot(s[j], d);
                axpy(-alpha[j], y[j], d);
            }
            if (stored > 0) {
                int last = Math.floorMod(head - 1, memory);
                double gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
                for (int i = 0; i < n; i++) {
                    d[i] *= gamma;
                }
            } else {
                double gn = Math.sqrt(dot(g, g));
                for (int i = 0; i < n; i++) {
                    d[i] /= Math.max(gn, 1.0);
                }
            }
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(head - 1 - k, memory);
                double beta = rho[j] * dot(y[j], d);
                axpy(alpha[j] - beta, s[j], d);
            }
            double dg = dot(d, g);
            if (dg >= 0) {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                stored = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i];
                }
                dg = dot(d, g);
            }
            LineSearch ls = new LineSearch(f, x, fx, g, d, dg, xNew, gNew);
            double step = ls.search();
            evals += ls.evaluations;
            if (step <= 0) {
                return new Result(x, fx, iter, evals, maxAbs(g) <= gradientTolerance);
            }
            double fNew = ls.fStep;
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int i = 0; i < n; i++) {
                sk[i] = xNew[i] - x[i];
                yk[i] = gNew[i] - g[i];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-300) {
                s[head] = sk;
                y[head] = yk;
                rho[head] = 1.0 / sy;
                head = (head + 1) % memory;
                stored = Math.min(stored + 1, memory);
            }
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            double fOld = fx;
            fx = fNew;
            if (fOld - fx <= relativeDecrease * Math.max(Math.max(Math.abs(fOld), Math.abs(fx)), 1.0)) {
                return new Result(x, fx, iter + 1, evals, true);
            }
        }
        return new Result(x, fx, maxIterations, evals, maxAbs(g) <= gradientTolerance);
    }

    /** Strong-Wolfe search along d (c1 = 1e-4, c2 = 0.9) with cubic-free bisection/secant zoom. */
    private static final class LineSearch {
        private final Objective f;
        private final double[] x;
        private final double f0;
        private final double[] d;
        private final double dg0;
        private final double[] xStep;
        private final double[] gStep;
        double fStep;
        int evaluations;

        LineSearch(Objective f, double[] x, double f0, double[] g0, double[] d, double dg0, double[] xStep, double[] gStep) {
            this.f = f;
            this.x = x;
            this.f0 = f0;
            this.d = d;
            this.dg0 = dg0;
            this.xStep = xStep;
            this.gStep = gStep;
        }

        private double phi(double a) {
            for (int i = 0; i < x.length; i++) {
                xStep[i] = x[i] + a * d[i];
            }
            evaluations++;
            fStep = f.evaluate(xStep, gStep);
            return fStep;
        }

        double search() {
            final double c1 = 1e-4;
            final double c2 = 0.9;
            double aPrev = 0;
            double fPrev = f0;
            double dPrev = dg0;
            double a = 1.0;
            for (int i = 0; i < 40; i++) {
                double fa = phi(a);
                double da = dot(gStep, d);
                if (!Double.isFinite(fa) || fa > f0 + c1 * a * dg0 || (i > 0 && fa >= fPrev)) {
                    return zoom(aPrev, fPrev, dPrev, a, fa, da, c1, c2);
                }
                if (Math.abs(da) <= -c2 * dg0) {
                    return a;
                }
                if (da >= 0) {
                    return zoom(a, fa, da, aPrev, fPrev, dPrev, c1, c2);
                }
                aPrev = a;
                fPrev = fa;
                dPrev = da;
                a *= 2;
            }
            return a;
        }

        private double zoom(double lo, double fLo, double dLo, double hi, double fHi, double dHi, double c1, double c2) {
            double best = lo;
            for (int i = 0; i < 60; i++) {
                double a;
                // Quadratic interpolation from lo's value and slope and hi's value, kept inside the bracket.
                double span = hi - lo;
                double denom = 2 * (fHi - fLo - dLo * span);
                a = Double.isFinite(fHi) && denom > 0 ? lo - dLo * span * span / denom : lo + span / 2;
                double lowEnd = Math.min(lo, hi);
                double highEnd = Math.max(lo, hi);
                double margin = 0.1 * (highEnd - lowEnd);
                if (!(a > lowEnd + margin && a < highEnd - margin)) {
                    a = lo + span / 2;
                }
                double fa = phi(a);
                double da = dot(gStep, d);
                if (!Double.isFinite(fa) || fa > f0 + c1 * a * dg0 || fa >= fLo) {
                    hi = a;
                    fHi = fa;
                    dHi = da;
                } else {
                    if (Math.abs(da) <= -c2 * dg0) {
                        return a;
                    }
                    if (da * (hi - lo) >= 0) {
                        hi = lo;
                        fHi = fLo;
                        dHi = dLo;
                    }
                    lo = a;
                    fLo = fa;
                    dLo = da;
                    best = a;
                }
                if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) {
                    break;
                }
            }
            // Leave xStep/gStep at the best sufficient-decrease point found.
            if (best > 0) {
                phi(best);
                return best;
            }
            return 0;
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
