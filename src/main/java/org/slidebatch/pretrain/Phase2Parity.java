package org.slidebatch.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.Npy;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.TrainableBackbone;
import org.slidebatch.model.WeightsLoader;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.NamedParams;

/**
 * Our side of the phase-2 step parity: reads what scripts/python/parity_phase2.py wrote (weights before, tiles,
 * positions, mask, PyTorch's weights after one update and its losses), runs one {@link Phase2Step} with stochastic depth
 * and dropout off, and returns the largest absolute difference per module.
 */
public final class Phase2Parity {

    public record Result(double loss, double backbone, double backboneTeacher, double student, double teacher, double decoder) {

        public double worst() {
            return Math.max(loss, Math.max(Math.max(backbone, backboneTeacher), Math.max(student, Math.max(teacher, decoder))));
        }
    }

    private Phase2Parity() {
    }

    public static Result run(Path dir, AggregatorConfig config) throws IOException {
        DjlRuntime.engine();
        Npy.Header th = Npy.readHeader(dir.resolve("tiles.npy"));
        int tiles = Math.toIntExact(th.shape()[0]);
        int size = Math.toIntExact(th.shape()[2]);
        float[] pixels = Npy.read(dir.resolve("tiles.npy"));
        float[] positions = Npy.read(dir.resolve("positions.npy"));
        float[] m = Npy.read(dir.resolve("masked.npy"));
        boolean[] masked = new boolean[m.length];
        for (int i = 0; i < m.length; i++) {
            masked[i] = m[i] != 0f;
        }
        JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("ref_step.json"))).getAsJsonObject();
        AggregatorConfig c = config.withDropout(0f);
        try (NDManager root = DjlRuntime.engine().newBaseManager();
             TrainableBackbone backbone = TrainableBackbone.create(root, backbone(dir, "backbone.safetensors"), true);
             TrainableBackbone backboneTeacher = TrainableBackbone.create(root, backbone(dir, "backbone_teacher.safetensors"), false)) {
            NamedParams student = NamedParams.load(root, dir.resolve("student.safetensors"), "an aggregator", c.studentShapes());
            NamedParams teacher = NamedParams.load(root, dir.resolve("teacher.safetensors"), "an aggregator", c.studentShapes());
            NamedParams decoder = NamedParams.load(root, dir.resolve("decoder.safetensors"), "an MFR decoder", c.decoderShapes());
            Phase2Step.Settings s = new Phase2Step.Settings(ref.get("weight_decay").getAsFloat(), ref.get("ema_tau").getAsFloat(),
                ref.get("lambda_mfr").getAsFloat(), false, false);
            float lr = ref.get("lr").getAsFloat();
            float backboneLr = (float) (ref.get("lr").getAsDouble() * ref.get("backbone_ratio").getAsDouble());
            Phase2Step.StepLosses l;
            try (Phase2Step step = new Phase2Step(root, c, backbone, backboneTeacher, student, teacher, decoder, s)) {
                l = step.step(pixels, tiles, size, positions, masked, lr, backboneLr, null);
            }
            double loss = Math.max(Math.abs(l.loss() - ref.get("loss").getAsDouble()),
                Math.max(Math.abs(l.byol() - ref.get("loss_byol").getAsDouble()), Math.abs(l.mfr() - ref.get("loss_mfr").getAsDouble())));
            return new Result(loss,
                maxDiff(backbone.weights(), dir.resolve("ref_backbone_after.safetensors")),
                maxDiff(backboneTeacher.weights(), dir.resolve("ref_backbone_teacher_after.safetensors")),
                maxDiff(student.toTensors(""), dir.resolve("ref_student_after.safetensors")),
                maxDiff(teacher.toTensors(""), dir.resolve("ref_teacher_after.safetensors")),
                maxDiff(decoder.toTensors(""), dir.resolve("ref_decoder_after.safetensors")));
        }
    }

    private static Map<String, SafeTensors.Tensor> backbone(Path dir, String file) {
        return WeightsLoader.loadSafeTensors(dir.resolve(file), FeatureHead.TORCHVISION_GAP).tensors();
    }

    private static double maxDiff(Map<String, SafeTensors.Tensor> ours, Path reference) {
        try (SafeTensors st = SafeTensors.open(reference)) {
            if (!st.entries().keySet().equals(ours.keySet())) {
                throw new IllegalStateException(reference + ": tensor names differ from ours");
            }
            double m = 0;
            for (Map.Entry<String, SafeTensors.Tensor> e : ours.entrySet()) {
                float[] a = e.getValue().data();
                float[] b = st.read(e.getKey()).data();
                for (int i = 0; i < a.length; i++) {
                    m = Math.max(m, Math.abs(a[i] - b[i]));
                }
            }
            return m;
        }
    }
}
