package org.slidebatch.grade;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.GraderConfig;
import org.slidebatch.model.mil.MilGrader;
import org.slidebatch.model.mil.NamedParams;

class MilGraderTest {

    @Test
    void nb11ModelHas11099144Parameters() {
        GraderConfig c = GraderConfig.nb11();
        assertThat(AggregatorConfig.count(c.shapes())).isEqualTo(11_099_144L);
        try (NDManager root = DjlRuntime.engine().newBaseManager(); NamedParams p = MilGrader.init(root, c, 1)) {
            assertThat(p.count()).isEqualTo(11_099_144L);
            assertThat(p.get("fuse.1.weight").toFloatArray()).containsOnly(1f);
            assertThat(p.get("pool05.norm2.weight").toFloatArray()).containsOnly(1f);
        }
    }

    @Test
    void topKIsTheSpecsClamp() {
        GraderConfig c = GraderConfig.nb11();
        assertThat(c.topK(1)).isEqualTo(1);
        assertThat(c.topK(10)).isEqualTo(10);
        assertThat(c.topK(24)).isEqualTo(24);
        assertThat(c.topK(100)).isEqualTo(24);
        assertThat(c.topK(160)).isEqualTo(24);
        assertThat(c.topK(170)).isEqualTo(25);
        assertThat(c.topK(1200)).isEqualTo(180);
    }

    @Test
    void classWeightsAreInverseFrequencyOverTheirMean() {
        float[] w = GradeLoss.classWeights(new int[] {0, 0, 0, 1}, 3);
        // freq 0.75, 0.25, 0 → 1/0.75, 4, 1e6 → mean (1.3333 + 4 + 1e6) / 3
        double mean = (1 / 0.75 + 4 + 1e6) / 3;
        assertThat(w[0]).isCloseTo((float) (1 / 0.75 / mean), org.assertj.core.data.Offset.offset(1e-9f));
        assertThat(w[1]).isCloseTo((float) (4 / mean), org.assertj.core.data.Offset.offset(1e-9f));
        assertThat(w[2]).isCloseTo((float) (1e6 / mean), org.assertj.core.data.Offset.offset(1e-5f));
    }
}
