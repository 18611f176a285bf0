package org.slidebatch.pretrain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.TrainableBackbone;
import org.slidebatch.model.WeightsLoader;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.NamedParams;
import org.slidebatch.model.train.StepSeeds;

/**
 * Speed of one full phase-2 update (OpenSlideFM's: 96 tiles of 224², student backbone forward + backward with
 * stochastic depth, backbone-teacher forward, aggregator student/teacher, decoder, two AdamW groups, both EMAs) on
 * seeded random weights and tiles: one untimed warm-up update, then {@code steps} timed ones. The cost does not depend
 * on the values.
 */
public final class Phase2Bench {

    public record Result(int tiles, int size, int steps, double warmupSeconds, List<Double> stepSeconds) {

        public double secondsPerStep() {
            return stepSeconds.stream().mapToDouble(Double::doubleValue).sum() / stepSeconds.size();
        }

        public double tilesPerSecond() {
            return tiles / secondsPerStep();
        }
    }

    private Phase2Bench() {
    }

    public static Result run(AggregatorConfig config, int tiles, int size, int steps, long seed) {
        DjlRuntime.engine();
        var weights = WeightsLoader.random(seed, FeatureHead.TORCHVISION_GAP).tensors();
        SplittableRandom r = new SplittableRandom(seed);
        float[] pixels = new float[Math.multiplyExact(tiles, 3 * size * size)];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) (r.nextDouble() * 4 - 2);
        }
        float[] positions = new float[tiles * 3];
        for (int i = 0; i < tiles; i++) {
            positions[i * 3] = (float) r.nextDouble() * 20;
            positions[i * 3 + 1] = (float) r.nextDouble() * 20;
            positions[i * 3 + 2] = i < tiles * 3 / 4 ? 0.5f : 2.0f;
        }
        try (NDManager root = DjlRuntime.engine().newBaseManager();
             TrainableBackbone backbone = TrainableBackbone.create(root, weights, true);
             TrainableBackbone backboneTeacher = TrainableBackbone.create(root, weights, false)) {
            NamedParams student = NamedParams.init(root, config.studentShapes(), seed + 1);
            NamedParams teacher = student.copy(root);
            NamedParams decoder = NamedParams.init(root, config.decoderShapes(), seed + 2);
            try (Phase2Step step = new Phase2Step(root, config, backbone, backboneTeacher, student, teacher, decoder,
                new Phase2Step.Settings(1e-4f, 0.996f, 0.5f, true, true))) {
                List<Double> seconds = new ArrayList<>();
                double warmup = 0;
                for (int t = 0; t <= steps; t++) {
                    ByolMfrTrainer.seedTorch(StepSeeds.torchSeed(seed, t));
                    boolean[] mask = Phase2Step.mask(tiles, 0.25, Phase2Step.maskRandom(seed, t));
                    long t0 = System.nanoTime();
                    step.step(pixels, tiles, size, positions, mask, 1.5e-4f, 1.5e-5f, Phase2Step.dropPathRandom(seed, t));
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (t == 0) {
                        warmup = s;
                    } else {
                        seconds.add(s);
                    }
                }
                return new Result(tiles, size, steps, warmup, List.copyOf(seconds));
            }
        }
    }
}
