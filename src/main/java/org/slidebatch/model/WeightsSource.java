package org.slidebatch.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the ConvNeXt weights come from: a user-supplied file (safetensors with timm or torchvision key names, or a
 * TorchScript module), or — only when asked for explicitly — a seeded random initialisation that is no trained
 * model and is flagged as such in every report and passport. Nothing is ever downloaded.
 */
public sealed interface WeightsSource {

    static WeightsSource file(Path path) {
        return new File(path);
    }

    /** Random weights (timm's initialisation scheme), the same for the same seed. Not a trained model. */
    static WeightsSource random(long seed) {
        return new Random(seed);
    }

    record File(Path path) implements WeightsSource {
        public File {
            Objects.requireNonNull(path, "path");
        }
    }

    record Random(long seed) implements WeightsSource {
    }
}
