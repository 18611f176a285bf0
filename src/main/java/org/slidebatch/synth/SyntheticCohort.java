package org.slidebatch.synth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A seeded cohort (SPEC §8): slides in one folder per cancer code, about one in five without µm/px,
 * some with pen marks or an out-of-focus region, and {@code labels.csv} (slide_id, label, cancer_code,
 * path). Same seed and sizes → identical files.
 *
 * <p>With {@code evaluation} the cohort also has signal to evaluate: patients of 1–3 slides, 6 centers (each
 * its own stain shift), 4 cancer types whose tissue differs ({@link #EVALUATION_CODES}) and an ordinal grade
 * 0–5 whose look grows with the grade; labels.csv gains {@code patient_id, center, grade}. Without it every
 * file is byte-identical to what earlier versions wrote for the same seed.
 */
public final class SyntheticCohort {

    public static final String[] CANCER_CODES = {"SYN-BRCA", "SYN-LUAD"};
    public static final String[] EVALUATION_CODES = {"SYN-BRCA", "SYN-LUAD", "SYN-COAD", "SYN-KIRC"};
    public static final int CENTERS = 6;

    public record Options(int slides, long seed, int minSize, int maxSize, int threads, Integer fixedHeight,
                          boolean evaluation) {

        public Options(int slides, long seed, int minSize, int maxSize, int threads) {
            this(slides, seed, minSize, maxSize, threads, null, false);
        }

        public Options(int slides, long seed, int minSize, int maxSize, int threads, Integer fixedHeight) {
            this(slides, seed, minSize, maxSize, threads, fixedHeight, false);
        }

        public Options {
            if (slides < 1) {
                throw new IllegalArgumentException("--slides must be at least 1");
            }
            if (minSize < 256 || maxSize < minSize) {
                throw new IllegalArgumentException("sizes must satisfy 256 <= min-size <= max-size");
            }
        }
    }

    private SyntheticCohort() {
    }

    /** The specs of a cohort, without writing anything. */
    public static List<SyntheticSlideSpec> plan(Options o) {
        SplittableRandom rnd = new SplittableRandom(o.seed());
        // The evaluation draws use their own stream so the slides' own draws stay what they always were.
        SplittableRandom eval = new SplittableRandom(o.seed() ^ 0x0E7A1L);
        int patient = -1;
        int slidesLeft = 0;
        SyntheticSlideSpec.Look look = null;
        List<SyntheticSlideSpec> specs = new ArrayList<>();
        for (int i = 0; i < o.slides(); i++) {
            long slideSeed = rnd.nextLong();
            int w = o.minSize() + (o.maxSize() == o.minSize() ? 0 : rnd.nextInt(o.maxSize() - o.minSize() + 1));
            double aspect = 0.7 + 0.3 * rnd.nextDouble();
            int h = o.fixedHeight() != null ? o.fixedHeight() : (int) Math.max(256, Math.round(w * aspect));
            boolean hasMpp = i % 5 != 4;
            boolean twentyX = rnd.nextBoolean();
            Double mpp = hasMpp ? (twentyX ? 0.5 : 0.25) : null;
            int label = rnd.nextInt(2);
            boolean pen = rnd.nextDouble() < 0.2;
            boolean blur = rnd.nextDouble() < 0.2;
            String id = String.format(Locale.ROOT, "syn-%05d", i);
            if (o.evaluation()) {
                if (slidesLeft == 0) {
                    patient++;
                    slidesLeft = 1 + eval.nextInt(3);
                    int cancer = eval.nextInt(EVALUATION_CODES.length);
                    int center = eval.nextInt(CENTERS);
                    look = new SyntheticSlideSpec.Look(cancer, center, eval.nextInt(6));
                }
                slidesLeft--;
                id = String.format(Locale.ROOT, "syn-p%04d-%05d", patient, i);
            }
            specs.add(new SyntheticSlideSpec(id, slideSeed, w, h, mpp, twentyX ? 20 : 40, label, pen, blur,
                o.evaluation() ? look : null));
        }
        return specs;
    }

    public static String cancerCode(int index) {
        return CANCER_CODES[index % CANCER_CODES.length];
    }

    /** The slide's path below the cohort folder: {@code <cancer_code>/<slide_id>.svs|.tiff}. */
    static Path relativePath(SyntheticSlideSpec s, int index) {
        return Path.of(code(s, index), s.slideId() + (s.mpp() == null ? ".tiff" : ".svs"));
    }

    private static String code(SyntheticSlideSpec s, int index) {
        return s.look() != null ? EVALUATION_CODES[s.look().cancerIndex()] : cancerCode(index);
    }

    /** labels.csv of a cohort (without writing any slide). */
    public static String labelsCsv(Options o) {
        List<SyntheticSlideSpec> specs = plan(o);
        StringBuilder csv = new StringBuilder("slide_id,label,cancer_code,path,mpp,pen_marks,blurred_region"
            + (o.evaluation() ? ",patient_id,center,grade" : "") + "\n");
        for (int i = 0; i < specs.size(); i++) {
            SyntheticSlideSpec s = specs.get(i);
            csv.append(s.slideId()).append(',').append(s.label()).append(',').append(code(s, i)).append(',')
                .append(relativePath(s, i)).append(',').append(s.mpp() == null ? "" : s.mpp()).append(',')
                .append(s.penMarks()).append(',').append(s.blurredRegion());
            if (s.look() != null) {
                String pid = s.slideId().substring(0, s.slideId().lastIndexOf('-'));
                csv.append(',').append(pid).append(',').append(s.look().center()).append(',').append(s.look().grade());
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** Writes every slide (skipping ones already present under their final name) and labels.csv. */
    public static List<Path> write(Path out, Options o, Consumer<String> progress) throws IOException {
        List<SyntheticSlideSpec> specs = plan(o);
        List<Path> written = new ArrayList<>();
        String csv = labelsCsv(o);
        for (int i = 0; i < specs.size(); i++) {
            SyntheticSlideSpec s = specs.get(i);
            Path rel = relativePath(s, i);
            Path file = out.resolve(rel);
            if (!Files.exists(file)) {
                SyntheticSlideGenerator.write(s, file, o.threads());
            }
            written.add(file);
            if (progress != null) {
                progress.accept(String.format(Locale.ROOT, "synth %d/%d %s (%dx%d)", i + 1, specs.size(), rel, s.width(), s.height()));
            }
        }
        Path labels = out.resolve("labels.csv");
        Path tmp = out.resolve("labels.csv.part");
        Files.writeString(tmp, csv, StandardCharsets.UTF_8);
        Files.move(tmp, labels, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return written;
    }
}
