package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class Phase2ParametersTest {

    @Test
    void openSlideFmDefaultsAndTheLoopConfigFromTheSharedParameters() {
        Phase2Parameters p = Phase2Parameters.defaults();
        assertThat(p).isEqualTo(new Phase2Parameters("1", 2, 96, 0.1, 200, 224));
        assertThat(p.runsPhase1()).isTrue();
        assertThat(p.runsPhase2()).isFalse();
        Phase2Run.Config c = p.runConfig(PretrainParameters.defaults());
        assertThat(c).isEqualTo(new Phase2Run.Config(13, 2, 1.5e-4, 0.1, 200, 1000, 0.25, false,
            new Phase2Step.Settings(1e-4f, 0.996f, 0.5f, true, false)));
    }

    @Test
    void valuesAreReadAndBadOnesRefusedNamingTheKey() {
        Map<String, String> given = Map.of("phases", "BOTH", "epochs_phase2", "1", "p2_tiles_per_slide", "8",
            "lr_backbone_ratio", "0.5", "p2_warmup_steps", "0", "p2_tile_size", "32");
        Phase2Parameters p = Phase2Parameters.from(given::get);
        assertThat(p).isEqualTo(new Phase2Parameters("both", 1, 8, 0.5, 0, 32));
        assertThat(Phase2Parameters.from(p.asMap()::get)).isEqualTo(p);
        assertThat(p.runsPhase1() && p.runsPhase2()).isTrue();
        assertThat(Phase2Parameters.from(Map.of("phases", "2")::get).runsPhase1()).isFalse();
        assertThatThrownBy(() -> Phase2Parameters.from(Map.of("phases", "3")::get)).hasMessage("pretrain: phases must be 1, 2 or both, got '3'");
        assertThatThrownBy(() -> Phase2Parameters.from(Map.of("p2_tile_size", "16")::get))
            .hasMessage("pretrain: p2_tile_size must be an integer ≥ 32, got '16'");
        assertThatThrownBy(() -> Phase2Parameters.from(Map.of("lr_backbone_ratio", "x")::get))
            .hasMessage("pretrain: lr_backbone_ratio must be a number, got 'x'");
        assertThatThrownBy(() -> Phase2Parameters.from(Map.of("epochs_phase2", "0")::get))
            .hasMessage("pretrain: epochs_phase2 must be an integer ≥ 1, got '0'");
    }

    @Test
    void phasesSayWhichPhasesRun() {
        Phase2Parameters one = Phase2Parameters.defaults();
        Phase2Parameters both = Phase2Parameters.from(Map.of("phases", "both")::get);
        Phase2Parameters two = Phase2Parameters.from(Map.of("phases", "2")::get);
        org.assertj.core.api.Assertions.assertThat(new boolean[] {one.runsPhase1(), one.runsPhase2(), both.runsPhase1(),
            both.runsPhase2(), two.runsPhase1(), two.runsPhase2()}).containsExactly(true, false, true, true, false, true);
        assertThatThrownBy(() -> Phase2Parameters.from(Map.of("phases", "3")::get))
            .hasMessage("pretrain: phases must be 1, 2 or both, got '3'");
    }
}
