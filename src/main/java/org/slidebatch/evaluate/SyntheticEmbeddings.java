package org.slidebatch.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.slidebatch.model.Npy;

/**
 * A documented stand-in for slide embeddings when testing evaluation without a trained model: for each slide of
 * a labels CSV, {@code v = signal·(μ[cancer_code] + λ[label] + g·η) + 0.7·ν[center] + 0.5·π[patient] + ε} in 768-d
 * (float32), where μ (per {@code cancer_code}), λ (per {@code label}), ν (per center), π (per patient) and η
 * (one grade direction) have N(0, 1) entries drawn from the seed, g is the {@code grade} column (0 if absent) and
 * ε ~ N(0, 1) per slide.
 * Only columns that exist are used. {@code signal = 0} gives vectors that carry no label information.
 * Written as {@code <out>/<slide_id>.npy}, the format the embed step writes to {@code embeddings/<tag>/}.
 */
public final class SyntheticEmbeddings {

    private SyntheticEmbeddings() {
    }

    public static int write(Path labelsCsv, Path out, int dim, double signal, long seed) throws IOException {
        CsvTable t = CsvTable.read(labelsCsv);
        t.require("slide_id");
        Files.createDirectories(out);
        Map<String, double[]> vectors = new HashMap<>();
        double[] gradeDir = direction("grade-direction", dim, seed, vectors);
        for (int r = 0; r < t.size(); r++) {
            String slide = t.get(r, "slide_id");
            double[] v = new double[dim];
            for (String col : List.of("cancer_code", "label")) {
                if (t.has(col) && !t.get(r, col).isEmpty()) {
                    add(v, direction(col + "=" + t.get(r, col), dim, seed, vectors), signal);
                }
            }
            if (t.has("grade") && !t.get(r, "grade").isEmpty()) {
                add(v, gradeDir, signal * Double.parseDouble(t.get(r, "grade")));
            }
            if (t.has("center")) {
                add(v, direction("center=" + t.get(r, "center"), dim, seed, vectors), 0.7);
            }
            if (t.has("patient_id")) {
                add(v, direction("patient=" + t.get(r, "patient_id"), dim, seed, vectors), 0.5);
            }
            SplittableRandom noise = new SplittableRandom(seed ^ ("slide=" + slide).hashCode() * 0x9E3779B97F4A7C15L);
            float[] f = new float[dim];
            for (int j = 0; j < dim; j++) {
                f[j] = (float) (v[j] + gaussian(noise));
            }
            Npy.writeFloat32(out.resolve(slide + ".npy"), f, dim);
        }
        return t.size();
    }

    private static double[] direction(String key, int dim, long seed, Map<String, double[]> cache) {
        return cache.computeIfAbsent(key, k -> {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k.hashCode());
            double[] v = new double[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = gaussian(r);
            }
            return v;
        });
    }

    private static void add(double[] acc, double[] v, double scale) {
        for (int j = 0; j < acc.length; j++) {
            acc[j] += scale * v[j];
        }
    }

    /** Box–Muller from two uniforms of the stream (deterministic per seed). */
    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
