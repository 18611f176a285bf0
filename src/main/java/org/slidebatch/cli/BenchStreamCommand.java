package org.slidebatch.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slidebatch.sampling.PatchResult;
import org.slidebatch.sampling.PatchStream;
import org.slidebatch.sampling.PatchStreamConfig;
import org.slidebatch.sampling.PatchStreamException;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.slide.SlideReader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "The §5 patch stream with the GPFM views (SPEC §10): patches/s delivered with all their views, after warm-up.")
final class BenchStreamCommand implements Callable<Integer> {

    @Option(names = "--slides", required = true, paramLabel = "DIR")
    Path slides;

    @Option(names = "--recipe", defaultValue = "gpfm", paramLabel = "gpfm|FILE.properties")
    String recipe;

    @Option(names = "--preset", defaultValue = "clam-tcga", description = "Tissue source (SPEC §3 preset or detector; default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--patches", defaultValue = "2000", description = "Timed patches (default ${DEFAULT-VALUE}).")
    int patches;

    @Option(names = "--warmup", defaultValue = "100", description = "Untimed patches first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", defaultValue = "1")
    int threads;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--reader", defaultValue = "auto", description = "openslide, fast or auto (default ${DEFAULT-VALUE}).")
    String reader;

    @Option(names = "--json", paramLabel = "OUT.json")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (patches < 1 || warmup < 0) {
            throw new CliException("--patches must be >= 1 and --warmup >= 0", 2);
        }
        PatchStreamConfig config = StreamCommand.config(recipe, preset, seed, threads);
        List<Path> files = StreamCommand.slideFiles(slides);
        long checksum = 0;
        double seconds;
        int timed = 0;
        long openStart = System.nanoTime();
        org.slidebatch.slide.ReaderChoice choice = BenchFeaturesCommand.readerChoice(reader);
        org.slidebatch.slide.ReadStats.Snapshot statsBefore = org.slidebatch.slide.ReadStats.global().snapshot();
        try (PatchStream stream = PatchStream.open(config, files, choice)) {
            try {
                for (int i = 0; i < warmup && stream.hasNext(); i++) {
                    checksum += touch(stream.next());
                }
                double warmupSeconds = (System.nanoTime() - openStart) / 1e9;
                long start = System.nanoTime();
                while (timed < patches && stream.hasNext()) {
                    checksum += touch(stream.next());
                    timed++;
                }
                seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("what", "stream");
                out.put("seconds", seconds);
                out.put("patches_per_s", timed / seconds);
                out.put("patches", timed);
                out.put("views_per_patch", config.views().stream().mapToInt(v -> v.count()).sum());
                out.put("threads", threads);
                out.put("warmup_seconds", warmupSeconds);
                out.put("reader", choice.parameterValue());
                BenchReadsCommand.readStats(out, statsBefore);
                BenchReadsCommand.passport(out);
                Map<String, Object> inputs = new LinkedHashMap<>();
                inputs.put("slides_dir", slides.toAbsolutePath().toString());
                inputs.put("slides", slideFacts(files));
                inputs.put("recipe", recipe);
                inputs.put("preset", preset);
                inputs.put("patches", patches);
                inputs.put("warmup", warmup);
                inputs.put("seed", seed);
                out.put("inputs", inputs);
                out.put("config", config.describe());
                out.put("stream_stats", stream.stats().toMap());
                out.put("checksum", checksum);
                BenchReadsCommand.emit(out, json, String.format(Locale.ROOT,
                    "stream: %s recipe, tissue %s, %d slides, %d threads: %d patches (+%d warm-up) in %.2f s = %.1f patches/s",
                    recipe, preset, files.size(), threads, timed, warmup, seconds, timed / seconds));
            } catch (PatchStreamException e) {
                throw new CliException(e.getMessage());
            }
        }
        return 0;
    }

    /** Touches every view so nothing is optimised away. */
    private static long touch(PatchResult r) {
        long s = r.x0() + r.y0();
        if (r.image() != null) {
            s += r.image().width();
        }
        for (var v : r.views().values()) {
            s += v.isTensor() ? Float.floatToIntBits(v.tensor().data()[v.tensor().data().length / 2]) : v.rgb().rgb()[0];
        }
        return s;
    }

    private static List<Map<String, Object>> slideFacts(List<Path> files) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path p : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", p.toAbsolutePath().toString());
            try (SlideReader r = OpenSlideReader.open(p)) {
                m.put("width", r.width());
                m.put("height", r.height());
                m.put("levels", r.levelCount());
            } catch (RuntimeException e) {
                m.put("error", e.getMessage());
            }
            out.add(m);
        }
        return out;
    }
}
