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
 */
public final class SyntheticCohort {

    public static final String[] CANCER_CODES = {"SYN-BRCA", "SYN-LUAD"};

    public record Options(int slides, long seed, int minSize, int maxSize, int threads, Integer fixedHeight) {

        public Options(int slides, long seed, int minSize, int maxSize, int threads) {
            this(slides, seed, minSize, maxSize, threads, null);
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
            specs.add(new SyntheticSlideSpec(id, slideSeed, w, h, mpp, twentyX ? 20 : 40, label, pen, blur));
        }
        return specs;
    }

    public static String cancerCode(int index) {
        return CANCER_CODES[index % CANCER_CODES.length];
    }

    /** Writes every slide (skipping ones already present under their final name) and labels.csv. */
    public static List<Path> write(Path out, Options o, Consumer<String> progress) throws IOException {
        List<SyntheticSlideSpec> specs = plan(o);
        List<Path> written = new ArrayList<>();
        StringBuilder csv = new StringBuilder("slide_id,label,cancer_code,path,mpp,pen_marks,blurred_region\n");
        for (int i = 0; i < specs.size(); i++) {
            SyntheticSlideSpec s = specs.get(i);
            String code = cancerCode(i);
            String ext = s.mpp() == null ? ".tiff" : ".svs";
            Path rel = Path.of(code, s.slideId() + ext);
            Path file = out.resolve(rel);
            if (!Files.exists(file)) {
                SyntheticSlideGenerator.write(s, file, o.threads());
            }
            written.add(file);
            csv.append(s.slideId()).append(',').append(s.label()).append(',').append(code).append(',')
                .append(rel).append(',').append(s.mpp() == null ? "" : s.mpp()).append(',')
                .append(s.penMarks()).append(',').append(s.blurredRegion()).append('\n');
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
