package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.diagnostics.BackboneCheck;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.WeightsLoader;

/** phases=1: the untouched starting backbone, written with torchvision names, is LIKELY_FROZEN under gate G4. */
class StartingBackboneTest {

    @TempDir
    Path dir;

    @Test
    void theUntrainedBackboneReadsBackIdenticalAndG4SaysLikelyFrozen() throws Exception {
        var start = StartingBackbone.load(null, true, 5);
        assertThat(StartingBackbone.load(null, false, 5)).isNull();
        Path f = StartingBackbone.writeUntrained(dir, start, Map.of("format", "pt"));
        assertThat(f.getFileName().toString()).isEqualTo("backbone_untrained.safetensors");
        var back = WeightsLoader.loadSafeTensors(f, FeatureHead.TORCHVISION_GAP).tensors();
        assertThat(back.keySet()).containsExactlyInAnyOrderElementsOf(start.keySet());
        back.forEach((k, v) -> assertThat(v.data()).as(k).isEqualTo(start.get(k).data()));
        BackboneCheck g4 = BackboneCheck.compare(f, back, "the starting backbone",
            WeightsLoader.random(5, FeatureHead.TORCHVISION_GAP).tensors());
        assertThat(g4.verdict()).as(g4.toString()).isEqualTo(BackboneCheck.LIKELY_FROZEN);
    }
}
