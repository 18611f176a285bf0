package org.slidebatch.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;
import javax.imageio.metadata.IIOMetadataNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against sklearn 1.2.1 / scipy (values printed by Debian's python3; the snippet is in each test). */
class StatsTest {

    @TempDir
    Path tmp;

    @Test
    void rocMatchesSklearnWithTiesAndDropIntermediate() {
        // sklearn.metrics.roc_curve(y, s) and roc_auc_score(y, s)
        int[] y = {1, 0, 1, 1, 0, 0, 1, 0, 1, 0};
        double[] s = {0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.3, 0.3, 0.1};
        Stats.Roc roc = Stats.roc(y, s);
        assertThat(roc.fpr()).containsExactly(0.0, 0.2, 0.2, 0.6, 0.6, 0.8, 1.0);
        assertThat(roc.tpr()).containsExactly(0.0, 0.2, 0.6, 0.6, 0.8, 1.0, 1.0);
        assertThat(roc.auc()).isCloseTo(0.64, within(1e-12));
    }

    @Test
    void studentTIntervalAndSummaries() {
        // scipy.stats.t.ppf(0.975, df) for df 2, 40, 100
        assertThat(Stats.tQuantile975(2)).isCloseTo(4.302653, within(1e-4));
        assertThat(Stats.tQuantile975(40)).isCloseTo(2.021075, within(2e-4));
        assertThat(Stats.tQuantile975(100)).isCloseTo(1.983972, within(1e-4));
        double[] v = {0.6, 0.7, 0.8, Double.NaN};
        assertThat(Stats.mean(v)).isCloseTo(0.7, within(1e-12));
        assertThat(Stats.std(v)).isCloseTo(0.1, within(1e-12));
        assertThat(Stats.ci95HalfWidth(v)).isCloseTo(4.3027 * 0.1 / Math.sqrt(3), within(1e-6));
        assertThat(Stats.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6.5})).isCloseTo(0.9979487157886733, within(1e-12)); // numpy.corrcoef;
    }

    @Test
    void pcaScoresMatchSklearnUpToSign() {
        double[][] x = {{0.628651, -0.26421, 0.640423, 0.1049, -0.535669}, {1.807975, 2.608, 0.947081, -0.703735, -1.265421},
            {-3.116372, 0.082652, -2.325031, -0.218792, -1.245911}, {-3.661337, -1.088518, -0.3163, 0.411631, 1.042513},
            {-0.642673, 2.732927, -0.665195, 0.35151, 0.90347}, {0.470061, -1.486998, -0.921725, -0.457726, 0.220195},
            {-5.048091, -0.418351, -0.159225, 0.540846, 0.214659}, {1.776864, -1.307657, -0.129614, 0.783975, 1.493431},
            {-6.295328, 3.027848, 1.345875, 0.781311, 0.264456}, {-1.569614, 2.916041, 1.960258, 1.801635, 1.315104},
            {1.786902, -2.416637, -0.004454, 0.656475, -1.288361}, {1.97561, 0.859727, 0.696043, -1.184118, -0.661703}};
        // sklearn.decomposition.PCA(2).fit_transform(x)[:3]
        double[][] expected = {{-1.7895781326764062, 0.002148893674845415}, {-2.31024793752342, 2.913585649216726},
            {1.6840865652257124, -1.8860712742198051}};
        double[][] pc = Stats.pca2(x);
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 2; k++) {
                assertThat(Math.abs(pc[i][k])).isCloseTo(Math.abs(expected[i][k]), within(1e-6));
            }
        }
        assertThat(Stats.pca2(x)).isDeepEqualTo(pc); // deterministic
    }

    @Test
    void pngIsAtPrintResolutionAndSaysSo() throws Exception {
        var chart = ReportCanvas.bars("t", "x", "y");
        chart.addSeries("s", java.util.List.of("a", "b"), java.util.List.of(1, 2));
        String[] names = ChartFiles.save(chart, tmp, "fig", 300);
        var png = ImageIO.read(tmp.resolve(names[0]).toFile());
        assertThat(png.getWidth()).isEqualTo(Math.round(ReportCanvas.WIDTH * 300 / 72.0));
        assertThat(png.getHeight()).isEqualTo(Math.round(ReportCanvas.HEIGHT * 300 / 72.0));
        try (var in = ImageIO.createImageInputStream(tmp.resolve(names[0]).toFile())) {
            var reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            var tree = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
            var phys = (IIOMetadataNode) tree.getElementsByTagName("pHYs").item(0);
            assertThat(phys.getAttribute("pixelsPerUnitXAxis")).isEqualTo("11811"); // 300 dpi = 11811 px/m
            assertThat(phys.getAttribute("unitSpecifier")).isEqualTo("meter");
        }
        assertThat(Files.readString(tmp.resolve(names[1]))).startsWith("<?xml").contains("<svg");
    }
}
