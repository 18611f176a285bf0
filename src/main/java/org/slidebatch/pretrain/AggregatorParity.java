package org.slidebatch.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.Npy;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.Layers;
import org.slidebatch.model.mil.MilTransformer;
import org.slidebatch.model.mil.NamedParams;

/**
 * Our side of the aggregator parity check: reads what scripts/python/parity_aggregator.py wrote (weights, padded
 * batch, PyTorch's outputs and its weights after two training steps), runs the same forward in eval mode and the
 * same two steps, and reports the largest absolute differences (tokens compared at non-padded positions only:
 * PyTorch's eval fast path leaves padded rows undefined).
 */
public final class AggregatorParity {

    /** Largest |ours − PyTorch| per quantity. */
    public record Result(double gProj, double gPred, double tokens, double loss, double student, double teacher,
                         double decoder) {

        public double worst() {
            return Math.max(Math.max(Math.max(gProj, gPred), Math.max(tokens, loss)), Math.max(student, Math.max(teacher, decoder)));
        }
    }

    private AggregatorParity() {
    }

    /** With the dimensions the reference wrote into ref_step.json. */
    public static Result run(Path dir) throws IOException {
        JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("ref_step.json"))).getAsJsonObject();
        return run(dir, new AggregatorConfig(ref.get("d_model").getAsInt(), ref.get("n_heads").getAsInt(),
            ref.get("n_layers").getAsInt(), 4, 0f, ref.get("d_dec").getAsInt(), ref.get("dec_heads").getAsInt(),
            ref.get("dec_layers").getAsInt()));
    }

    public static Result run(Path dir, AggregatorConfig config) throws IOException {
        DjlRuntime.engine();
        Npy.Header fh = Npy.readHeader(dir.resolve("features.npy"));
        int b = Math.toIntExact(fh.shape()[0]);
        int t = Math.toIntExact(fh.shape()[1]);
        int d = Math.toIntExact(fh.shape()[2]);
        float[] feats = Npy.read(dir.resolve("features.npy"));
        float[] pos = Npy.read(dir.resolve("positions.npy"));
        boolean[] pad = bools(Npy.read(dir.resolve("pad.npy")));
        boolean[] masked = bools(Npy.read(dir.resolve("masked.npy")));
        JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("ref_step.json"))).getAsJsonObject();
        AggregatorConfig c = config.withDropout(0f);
        try (NDManager root = DjlRuntime.engine().newBaseManager()) {
            NamedParams student = NamedParams.load(root, dir.resolve("student.safetensors"), "an aggregator", c.studentShapes());
            NamedParams teacher = NamedParams.load(root, dir.resolve("teacher.safetensors"), "an aggregator", c.studentShapes());
            NamedParams decoder = NamedParams.load(root, dir.resolve("decoder.safetensors"), "an MFR decoder", c.decoderShapes());
            double gProj;
            double gPred;
            double tokens;
            try (NDManager sm = root.newSubManager()) {
                MilTransformer.Output o = MilTransformer.forward(c, student, sm.create(feats, new Shape(b, t, d)),
                    sm.create(pos, new Shape(b, t, 3)), Layers.paddingMask(sm, pad, b, t, false),
                    Layers.paddingMask(sm, pad, b, t, true), false);
                gProj = maxDiff(o.gProj().toFloatArray(), Npy.read(dir.resolve("ref_g_proj.npy")), null, 1);
                gPred = maxDiff(o.gPred().toFloatArray(), Npy.read(dir.resolve("ref_g_pred.npy")), null, 1);
                tokens = maxDiff(o.tokens().toFloatArray(), Npy.read(dir.resolve("ref_tokens.npy")), pad, d);
            }
            Phase1Batch batch = new Phase1Batch(b, t, d, feats, pos, pad, masked, Npy.read(dir.resolve("view1.npy")),
                Npy.read(dir.resolve("view2.npy")));
            ByolMfrTrainer.Settings s = new ByolMfrTrainer.Settings(ref.get("weight_decay").getAsFloat(),
                ref.get("ema_tau").getAsFloat(), ref.get("lambda_mfr").getAsFloat(), 0f, 0f, false);
            double loss = 0;
            try (ByolMfrTrainer trainer = new ByolMfrTrainer(root, c, student, teacher, decoder, s)) {
                JsonArray lrs = ref.getAsJsonArray("lrs");
                JsonArray losses = ref.getAsJsonArray("losses");
                for (int i = 0; i < lrs.size(); i++) {
                    ByolMfrTrainer.StepLosses l = trainer.step(batch, lrs.get(i).getAsFloat());
                    JsonArray r = losses.get(i).getAsJsonArray();
                    loss = Math.max(loss, Math.max(Math.abs(l.loss() - r.get(0).getAsDouble()),
                        Math.max(Math.abs(l.byol() - r.get(1).getAsDouble()), Math.abs(l.mfr() - r.get(2).getAsDouble()))));
                }
            }
            return new Result(gProj, gPred, tokens, loss,
                maxDiff(student, dir.resolve("ref_student_after.safetensors")),
                maxDiff(teacher, dir.resolve("ref_teacher_after.safetensors")),
                maxDiff(decoder, dir.resolve("ref_decoder_after.safetensors")));
        }
    }

    private static boolean[] bools(float[] v) {
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] != 0f;
        }
        return out;
    }

    private static double maxDiff(float[] ours, float[] theirs, boolean[] skipRows, int rowLength) {
        if (ours.length != theirs.length) {
            throw new IllegalStateException("sizes differ: " + ours.length + " vs " + theirs.length);
        }
        double m = 0;
        for (int i = 0; i < ours.length; i++) {
            if (skipRows != null && skipRows[i / rowLength]) {
                continue;
            }
            m = Math.max(m, Math.abs(ours[i] - theirs[i]));
        }
        return m;
    }

    private static double maxDiff(NamedParams ours, Path reference) {
        try (SafeTensors st = SafeTensors.open(reference)) {
            double m = 0;
            for (Map.Entry<String, NDArray> e : ours.arrays().entrySet()) {
                m = Math.max(m, maxDiff(e.getValue().toFloatArray(), st.read(e.getKey()).data(), null, 1));
            }
            return m;
        }
    }
}
