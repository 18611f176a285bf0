package org.slidebatch.grade;

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
import org.slidebatch.model.mil.GraderConfig;
import org.slidebatch.model.mil.MilGrader;
import org.slidebatch.model.mil.NamedParams;

/**
 * Our side of the grading-model parity check: reads what scripts/python/parity_grade.py wrote (weights, padded
 * two-scale batch, PyTorch's eval logits, its weights and EMA shadow after two NB11 steps with dropout off), runs the
 * same forward and the same two steps, and reports the largest absolute differences.
 */
public final class GradeParity {

    /** Largest |ours − PyTorch| per quantity (the gradient norm relative to PyTorch's when that is above 1). */
    public record Result(double logits, double loss, double gradNorm, double weights, double ema, double deadWeights,
                         double lrSum) {

        /** Largest difference over what must agree to the tolerance (the dead elements are bounded by lrSum). */
        public double worst() {
            return Math.max(Math.max(logits, loss), Math.max(gradNorm, Math.max(weights, ema)));
        }
    }

    private GradeParity() {
    }

    /** The config the reference wrote into ref_step.json (NB11's ratio, 6 classes, dropout off). */
    public static GraderConfig config(Path dir) throws IOException {
        JsonObject r = JsonParser.parseString(Files.readString(dir.resolve("ref_step.json"))).getAsJsonObject();
        return new GraderConfig(r.get("d").getAsInt(), r.get("heads").getAsInt(), r.get("ff").getAsInt(),
            r.get("scorer").getAsInt(), r.get("hidden").getAsInt(), 6, 0f, 0f, 0.15f, r.get("topk_min").getAsInt());
    }

    public static Result run(Path dir) throws IOException {
        DjlRuntime.engine();
        GraderConfig c = config(dir);
        JsonObject ref = JsonParser.parseString(Files.readString(dir.resolve("ref_step.json"))).getAsJsonObject();
        long[] s05 = Npy.readHeader(dir.resolve("x05.npy")).shape();
        long[] s20 = Npy.readHeader(dir.resolve("x20.npy")).shape();
        int b = Math.toIntExact(s05[0]);
        int d = Math.toIntExact(s05[2]);
        float[] y = Npy.read(dir.resolve("y.npy"));
        int[] grades = new int[b];
        for (int i = 0; i < b; i++) {
            grades[i] = Math.round(y[i]);
        }
        GradeBatch batch = new GradeBatch(b, d, Math.toIntExact(s05[1]), Npy.read(dir.resolve("x05.npy")),
            lengths(Npy.read(dir.resolve("pad05.npy")), b), Math.toIntExact(s20[1]), Npy.read(dir.resolve("x20.npy")),
            lengths(Npy.read(dir.resolve("pad20.npy")), b), grades);
        float[] classWeights = Npy.read(dir.resolve("class_weights.npy"));
        try (NDManager root = DjlRuntime.engine().newBaseManager()) {
            NamedParams model = NamedParams.load(root, dir.resolve("model.safetensors"), "a grading MILModel", c.shapes());
            double logits;
            try (NDManager sm = root.newSubManager()) {
                NDArray out = MilGrader.forward(c, model, sm.create(batch.x05(), new Shape(b, batch.t05(), d)), batch.len05(),
                    sm.create(batch.x20(), new Shape(b, batch.t20(), d)), batch.len20(), false);
                logits = maxDiff(out.toFloatArray(), Npy.read(dir.resolve("ref_logits.npy")));
            }
            GradeTrainer.Settings s = new GradeTrainer.Settings(ref.get("weight_decay").getAsFloat(),
                ref.get("ema_decay").getAsFloat(), ref.get("max_norm").getAsFloat(), GradeLoss.nb11());
            double loss = 0;
            double norm = 0;
            try (GradeTrainer trainer = new GradeTrainer(root, c, model, s)) {
                JsonArray lrs = ref.getAsJsonArray("lrs");
                JsonArray steps = ref.getAsJsonArray("steps");
                for (int i = 0; i < lrs.size(); i++) {
                    GradeTrainer.StepResult r = trainer.step(batch, classWeights, lrs.get(i).getAsFloat());
                    JsonObject e = steps.get(i).getAsJsonObject();
                    loss = Math.max(loss, Math.max(Math.abs(r.loss() - e.get("loss").getAsDouble()),
                        Math.max(Math.abs(r.focal() - e.get("focal").getAsDouble()),
                            Math.max(Math.abs(r.dist() - e.get("dist").getAsDouble()), Math.abs(r.mse() - e.get("mse").getAsDouble())))));
                    double refNorm = e.get("grad_norm").getAsDouble();
                    norm = Math.max(norm, Math.abs(r.gradNorm() - refNorm) / Math.max(1, refNorm));
                }
                double lrSum = 0;
                for (int i = 0; i < lrs.size(); i++) {
                    lrSum += lrs.get(i).getAsDouble();
                }
                Path after = dir.resolve("ref_model_after.safetensors");
                return new Result(logits, loss, norm, maxDiff(trainer.model(), after, false),
                    maxDiff(trainer.ema(), dir.resolve("ref_ema_after.safetensors"), false),
                    maxDiff(trainer.model(), after, true), lrSum);
            }
        }
    }

    private static int[] lengths(float[] pad, int b) {
        int t = pad.length / b;
        int[] n = new int[b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                n[i] += pad[i * t + j] == 0f ? 1 : 0;
            }
        }
        return n;
    }

    private static double maxDiff(float[] ours, float[] theirs) {
        if (ours.length != theirs.length) {
            throw new IllegalStateException("sizes differ: " + ours.length + " vs " + theirs.length);
        }
        double m = 0;
        for (int i = 0; i < ours.length; i++) {
            m = Math.max(m, Math.abs(ours[i] - theirs[i]));
        }
        return m;
    }

    /**
     * Largest difference over the parameters' live elements ({@code dead = false}) or only over the dead ones: the
     * scorer's output bias and the attention's key bias (rows d…2d of {@code in_proj_bias}) cannot change the output
     * (softmax is shift-invariant), so their true gradient is 0 and what autograd returns is rounding noise, which
     * Adam's first steps blow up to ±lr: no two implementations agree on those to 1e-4.
     */
    private static double maxDiff(NamedParams ours, Path reference, boolean dead) {
        try (SafeTensors st = SafeTensors.open(reference)) {
            double m = 0;
            for (Map.Entry<String, NDArray> e : ours.arrays().entrySet()) {
                float[] a = e.getValue().toFloatArray();
                float[] b = st.read(e.getKey()).data();
                double worst = 0;
                for (int i = 0; i < a.length; i++) {
                    if (isDead(e.getKey(), i, a.length) == dead) {
                        worst = Math.max(worst, Math.abs(a[i] - b[i]));
                    }
                }
                if (System.getenv("SLIDEBATCH_PARITY_VERBOSE") != null) {
                    System.out.printf("  %-32s %s %.3g%n", e.getKey(), dead ? "dead" : "live", worst);
                }
                m = Math.max(m, worst);
            }
            return m;
        }
    }

    static boolean isDead(String name, int index, int size) {
        if (name.endsWith(".scorer.2.bias")) {
            return true;
        }
        return name.endsWith(".attn.in_proj_bias") && index >= size / 3 && index < 2 * size / 3;
    }
}
