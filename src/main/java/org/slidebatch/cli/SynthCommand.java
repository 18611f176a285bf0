package org.slidebatch.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.slidebatch.synth.SyntheticCohort;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "synth", mixinStandardHelpOptions = true,
    description = {"Write a seeded synthetic cohort (SPEC §8): pyramidal JPEG-tiled TIFFs that OpenSlide opens,",
        "H&E-like tissue whose texture depends on a class label, some without µm/px, some with pen marks or blur,",
        "plus labels.csv. Same seed and sizes give identical files; existing slides are kept."})
final class SynthCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--slides", required = true, paramLabel = "N")
    int slides;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--min-size", defaultValue = "2048", description = "Smallest level-0 width in px (default ${DEFAULT-VALUE}).")
    int minSize;

    @Option(names = "--max-size", defaultValue = "4096", description = "Largest level-0 width in px (default ${DEFAULT-VALUE}).")
    int maxSize;

    @Option(names = "--height", description = "Fix every slide's height (px) instead of drawing it from the width.")
    Integer height;

    @Option(names = "--threads", description = "Tile encoder threads (default: all cores).")
    Integer threads;

    @Option(names = "--evaluation", description = {"A cohort with signal to evaluate: patients of 1-3 slides, 6 centers with",
        "their own stain, 4 cancer types whose tissue differs, grade 0-5 whose look grows; labels.csv gains",
        "patient_id, center, grade."})
    boolean evaluation;

    @Override
    public Integer call() throws IOException {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        try {
            long start = System.nanoTime();
            List<Path> files = SyntheticCohort.write(out, new SyntheticCohort.Options(slides, seed, minSize, maxSize, t, height, evaluation),
                System.out::println);
            System.out.printf("wrote %d slides and labels.csv to %s in %.1f s%n", files.size(), out.toAbsolutePath(),
                (System.nanoTime() - start) / 1e9);
            return 0;
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
    }
}
