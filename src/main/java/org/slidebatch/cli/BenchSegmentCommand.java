package org.slidebatch.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slidebatch.slide.SlideReader;
import org.slidebatch.slide.SlideReaders;
import org.slidebatch.tissue.ClamPresets;
import org.slidebatch.tissue.ClamSegmentationParams;
import org.slidebatch.tissue.ClamSegmenter;
import org.slidebatch.tissue.OpenCvLoader;
import org.slidebatch.tissue.TissueSegmentation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "segment", mixinStandardHelpOptions = true,
    description = "CLAM tissue segmentation (SPEC §3) of one slide, already open: median seconds per slide over --repeat runs.")
final class BenchSegmentCommand implements Callable<Integer> {

    @Option(names = "--slide", required = true)
    Path slide;

    @Option(names = "--preset", defaultValue = "clam-tcga")
    String preset;

    @Option(names = "--repeat", defaultValue = "5")
    int repeat;

    @Option(names = "--reader", defaultValue = "auto", description = "openslide, fast or auto (default ${DEFAULT-VALUE}).")
    String reader;

    @Option(names = "--json", paramLabel = "OUT.json")
    Path json;

    @Override
    public Integer call() throws Exception {
        ClamSegmentationParams p;
        try {
            p = ClamPresets.resolve(preset, Map.of());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
        OpenCvLoader.load();
        try (SlideReader r = SlideReaders.open(slide, BenchFeaturesCommand.readerChoice(reader))) {
            ClamSegmenter segmenter = new ClamSegmenter();
            TissueSegmentation last = segmenter.segment(slide.getFileName().toString(), r, p); // warm-up
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                long t0 = System.nanoTime();
                last = segmenter.segment(slide.getFileName().toString(), r, p);
                times.add((System.nanoTime() - t0) / 1e9);
            }
            List<Double> sorted = times.stream().sorted().toList();
            double median = sorted.get(sorted.size() / 2);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("what", "segment");
            out.put("seconds", times.stream().mapToDouble(Double::doubleValue).sum());
            out.put("seconds_per_slide", median);
            out.put("runs_seconds", times);
            out.put("tissue_fraction", last.tissueFraction());
            out.put("contours", last.contours().size());
            out.put("holes", last.holeCount());
            out.put("seg_level", last.segLevel());
            out.put("threads", 1);
            BenchReadsCommand.passport(out);
            out.put("opencv", OpenCvLoader.version());
            Map<String, Object> inputs = new LinkedHashMap<>();
            inputs.put("slide", slide.toAbsolutePath().toString());
            inputs.put("slide_width", r.width());
            inputs.put("slide_height", r.height());
            inputs.put("preset", preset);
            inputs.put("repeat", repeat);
            out.put("inputs", inputs);
            BenchReadsCommand.emit(out, json, String.format(Locale.ROOT,
                "segment: %s (%dx%d, preset %s, seg level %d): %.3f s/slide (median of %d), tissue fraction %.3f, %d contours",
                slide.getFileName(), r.width(), r.height(), preset, last.segLevel(), median, repeat, last.tissueFraction(),
                last.contours().size()));
            return 0;
        }
    }
}
