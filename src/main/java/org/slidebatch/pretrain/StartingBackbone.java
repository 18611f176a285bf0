package org.slidebatch.pretrain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.TrainableBackbone;
import org.slidebatch.model.WeightsLoader;

/**
 * The ConvNeXt-Tiny the features were made with — the backbone phase 2 starts from. With {@code phases=1} the backbone
 * is never trained, and the run folder gets it unchanged as its backbone checkpoint ({@value #UNTRAINED_FILE},
 * torchvision names like OpenSlideFM's {@code nb06_backbone_*}), so the diagnostics gate G4 reports LIKELY_FROZEN
 * instead of "no backbone checkpoint".
 */
public final class StartingBackbone {

    public static final String UNTRAINED_FILE = "backbone_untrained.safetensors";

    private StartingBackbone() {
    }

    /**
     * The starting weights from the features step's parameters: {@code weights=FILE} (safetensors, torchvision or timm
     * names), or the seeded random model of {@code random_weights=true}; null when neither is given (a pretrain job on
     * features made by an earlier job).
     */
    public static Map<String, SafeTensors.Tensor> load(String weightsFile, boolean randomWeights, long seed) {
        if (weightsFile != null) {
            return WeightsLoader.loadSafeTensors(Path.of(weightsFile), FeatureHead.TORCHVISION_GAP).tensors();
        }
        return randomWeights ? WeightsLoader.random(seed, FeatureHead.TORCHVISION_GAP).tensors() : null;
    }

    /** Writes {@code weights} (timm names, as loaded) unchanged with torchvision's names, atomically. */
    public static Path writeUntrained(Path runFolder, Map<String, SafeTensors.Tensor> weights, Map<String, String> metadata)
            throws IOException {
        Path file = runFolder.resolve(UNTRAINED_FILE);
        SafeTensors.write(file, TrainableBackbone.torchvisionNamed(weights), "F32", metadata);
        return file;
    }
}
