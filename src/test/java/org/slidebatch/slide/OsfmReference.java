package org.slidebatch.slide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slidebatch.synth.SyntheticSlideGenerator;
import org.slidebatch.synth.SyntheticSlideSpec;

/**
 * OpenSlideFM's own arithmetic run by Debian's Python ({@code scripts/python/qc_reference.py}), and the slides the
 * parity tests compare on: the real test slides (found through {@link TestSlides}) and generated ones.
 */
public final class OsfmReference {

    public static final Path SCRIPT = Path.of("scripts", "python", "qc_reference.py").toAbsolutePath();

    private OsfmReference() {
    }

    /** Runs one command of the reference script; returns its stdout. */
    public static String run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>();
        all.add(SCRIPT.toString());
        all.addAll(List.of(args));
        return TestSlides.runPython(all, workDir);
    }

    /**
     * openslide-python's thumbnails of {@code slide}, one per size: {@code "N"} is OpenSlideFM's (long side N),
     * {@code "WxH"} is {@code get_thumbnail((W, H))}. One Python process per slide.
     */
    public static Map<String, RgbImage> thumbnails(Path workDir, Path slide, String... sizes) throws IOException, InterruptedException {
        Path out = Files.createTempDirectory(workDir, "thumbs");
        List<String> args = new ArrayList<>(List.of("thumb", slide.toString(), out.toString()));
        args.addAll(List.of(sizes));
        Map<String, RgbImage> result = new LinkedHashMap<>();
        for (String line : run(workDir, args.toArray(String[]::new)).strip().split("\\R")) {
            String[] p = line.split(" ");
            result.put(p[0], new RgbImage(Integer.parseInt(p[1]), Integer.parseInt(p[2]), Files.readAllBytes(out.resolve(p[0] + ".raw"))));
        }
        return result;
    }

    /** Real test slides (H&amp;E) plus openslide-python's small fixtures; those missing are left out. */
    public static List<Path> realSlides() {
        List<Path> out = new ArrayList<>();
        Path data = TestSlides.testdata();
        for (String name : List.of("slides/CMU-1-Small-Region.svs", "slides/pyslide_CropBreastSlide.tiff",
            "edge/openslide-python_boxes.tiff", "edge/openslide-python_small.svs")) {
            Path p = data.resolve(name);
            if (Files.isRegularFile(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The real H&amp;E test slides only. */
    public static List<Path> realHeSlides() {
        return realSlides().stream().filter(p -> p.getParent().getFileName().toString().equals("slides")).toList();
    }

    /**
     * Generated slides (4×-downsample pyramids) chosen so that thumbnails of 1024 and 2048 px shrink their best level
     * by less than 2, between 2 and 4, and (at 256 px) by enough for Pillow's reduce step.
     */
    public static List<Path> generatedSlides(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (SyntheticSlideSpec spec : List.of(
            new SyntheticSlideSpec("gen-1400", 11L, 1400, 1000, 0.25, 40, 0, false, false),
            new SyntheticSlideSpec("gen-3000", 12L, 3000, 2000, 0.5, 20, 1, true, false),
            new SyntheticSlideSpec("gen-4600", 13L, 2600, 4600, 0.25, 40, 2, false, true))) {
            Path p = dir.resolve(spec.slideId() + ".svs");
            if (!Files.exists(p)) {
                SyntheticSlideGenerator.write(spec, p, 2);
            }
            out.add(p);
        }
        return out;
    }
}
