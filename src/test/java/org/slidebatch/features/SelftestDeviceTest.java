package org.slidebatch.features;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;

import org.junit.jupiter.api.Test;
import org.slidebatch.model.DjlRuntime;

/** The self-test's GPU floor follows the device the model runs on, as the engine reports it. */
class SelftestDeviceTest {

    @Test
    void gpuFloorFollowsTheEnginesDefaultDeviceNotTheHost() {
        Engine engine = DjlRuntime.engine();
        boolean expected = engine.getGpuCount() > 0 && engine.defaultDevice().isGpu();
        assertThat(FeatureStepConfiguration.gpu()).isEqualTo(expected);
        if (engine.getGpuCount() == 0) {
            // CPU natives (this build's pytorch-native-cpu): the model runs on the CPU whatever the host has,
            // so even a host whose /proc/driver/nvidia lists a GPU gets the CPU floor.
            assertThat(engine.defaultDevice()).isEqualTo(Device.cpu());
            assertThat(FeatureStepConfiguration.gpu()).isFalse();
        }
    }
}
