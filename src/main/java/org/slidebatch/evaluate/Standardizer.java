package org.slidebatch.evaluate;

/**
 * sklearn's StandardScaler: mean and population standard deviation (ddof 0) of the training rows; a constant
 * feature keeps scale 1. Computed in two passes like NumPy's {@code var} so the values agree to rounding.
 */
public record Standardizer(double[] mean, double[] scale) {

    public static Standardizer fit(double[][] x, int[] rows) {
        int d = x[rows[0]].length;
        double[] mean = new double[d];
        for (int r : rows) {
            double[] xr = x[r];
            for (int j = 0; j < d; j++) {
                mean[j] += xr[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= rows.length;
        }
        double[] var = new double[d];
        for (int r : rows) {
            double[] xr = x[r];
            for (int j = 0; j < d; j++) {
                double c = xr[j] - mean[j];
                var[j] += c * c;
            }
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double v = var[j] / rows.length;
            // sklearn's _is_constant_feature: a column constant up to rounding is left unscaled.
            double eps = Math.ulp(1.0);
            double bound = rows.length * eps * v + Math.pow(rows.length * mean[j] * eps, 2);
            scale[j] = v <= bound ? 1.0 : Math.sqrt(v);
        }
        return new Standardizer(mean, scale);
    }

    public double[][] transform(double[][] x, int[] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double[] xr = x[rows[i]];
            double[] o = new double[xr.length];
            for (int j = 0; j < xr.length; j++) {
                o[j] = (xr[j] - mean[j]) / scale[j];
            }
            out[i] = o;
        }
        return out;
    }
}
