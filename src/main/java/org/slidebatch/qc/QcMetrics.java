package org.slidebatch.qc;

/**
 * OpenSlideFM NB03 per-slide QC metrics. Fractions are over all thumbnail pixels; {@code blurVar} is the
 * population variance of the 4-neighbour Laplacian of the grey thumbnail over tissue pixels (0.0 without
 * tissue); the two means are of Pillow V and S over tissue pixels, or over all pixels when there is no tissue.
 */
public record QcMetrics(double tissuePct, double whitePct, double penPct, double blurVar, double brightnessMean,
                        double saturationMean) {
}
