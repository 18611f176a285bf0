package org.slidebatch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slidebatch.manifest.SlideRef;
import org.slidebatch.manifest.SlideScanner;
import org.slidebatch.sampling.ContactSheet;
import org.slidebatch.sampling.GpfmRecipe;
import org.slidebatch.sampling.PatchResult;
import org.slidebatch.sampling.PatchStream;
import org.slidebatch.sampling.PatchStreamConfig;
import org.slidebatch.sampling.PatchStreamException;
import org.slidebatch.sampling.StatsJson;
import org.slidebatch.sampling.TissueSource;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stream", mixinStandardHelpOptions = true,
    description = {"Stream N patches of a recipe (SPEC §5) and write what the model will see:",
        "contact-sheet.png (every patch or view, de-normalised, labelled with slide id and position) and stats.json."})
final class StreamCommand implements Callable<Integer> {

    @Option(names = "--slides", required = true, paramLabel = "DIR", description = "Folder scanned recursively for slides (or one slide file).")
    Path slides;

    @Option(names = "--recipe", defaultValue = "gpfm", paramLabel = "gpfm|FILE.properties",
        description = "gpfm (GpfmRecipe) or a stream properties file, e.g. jobs-config/stream-gpfm.properties (default ${DEFAULT-VALUE}).")
    String recipe;

    @Option(names = "--preset", paramLabel = "NAME", description = "Replace the recipe's tissue source: a CLAM preset or otsu, hsv, otsu+hsv.")
    String preset;

    @Option(names = "--patches", defaultValue = "32", description = "Patches to stream (default ${DEFAULT-VALUE}).")
    int patches;

    @Option(names = "--threads", defaultValue = "2", description = "Reader threads (default ${DEFAULT-VALUE}); results do not depend on it.")
    int threads;

    @Option(names = "--seed", description = "Root seed (default: the recipe's).")
    Long seed;

    @Option(names = "--reader", defaultValue = "auto", description = "openslide, fast or auto (default ${DEFAULT-VALUE}).")
    String reader;

    @Option(names = "--columns", defaultValue = "4", description = "Panels per row in the contact sheet (default ${DEFAULT-VALUE}).")
    int columns;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (patches < 1) {
            throw new CliException("--patches must be at least 1", 2);
        }
        PatchStreamConfig config = config(recipe, preset, seed, threads);
        List<Path> files = slideFiles(slides);
        List<PatchResult> got = new ArrayList<>(patches);
        long start = System.nanoTime();
        String ended = null;
        try (PatchStream stream = PatchStream.open(config, files, BenchFeaturesCommand.readerChoice(reader))) {
            try {
                while (got.size() < patches && stream.hasNext()) {
                    got.add(stream.next());
                }
            } catch (PatchStreamException e) {
                StatsJson.write(out.resolve("stats.json"), config, stream.stats(), inputs(files, got.size()));
                throw new CliException(e.getMessage());
            }
            if (got.size() < patches) {
                ended = "the stream ended after " + got.size() + " patches (cycle=false)";
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> extra = inputs(files, got.size());
            extra.put("wall_seconds", seconds);
            ContactSheet.write(out.resolve("contact-sheet.png"), got, columns);
            StatsJson.write(out.resolve("stats.json"), config, stream.stats(), extra);
            System.out.printf(Locale.ROOT, "streamed %d patches from %d slides (%d failed) in %.1f s (%.1f patches/s); wrote %s and %s%n",
                got.size(), stream.stats().slidesProcessed(), stream.stats().slidesFailed(), seconds, got.size() / seconds,
                out.resolve("contact-sheet.png"), out.resolve("stats.json"));
            if (ended != null) {
                System.out.println(ended);
            }
        }
        return 0;
    }

    private Map<String, Object> inputs(List<Path> files, int delivered) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recipe", recipe);
        m.put("slides_dir", slides.toAbsolutePath().toString());
        m.put("slides", files.stream().map(p -> p.toAbsolutePath().toString()).toList());
        m.put("patches_requested", patches);
        m.put("patches_delivered", delivered);
        return m;
    }

    /** The recipe by name or file, with the CLI's overrides; configuration mistakes are usage errors. */
    static PatchStreamConfig config(String recipe, String preset, Long seed, int threads) throws IOException {
        try {
            PatchStreamConfig c;
            if (recipe.equalsIgnoreCase("gpfm")) {
                c = GpfmRecipe.config();
            } else {
                Path file = Path.of(recipe);
                if (!Files.isRegularFile(file)) {
                    throw new CliException("--recipe must be gpfm or a .properties file; " + file + " does not exist", 2);
                }
                c = PatchStreamConfig.load(file);
            }
            PatchStreamConfig.Builder b = c.toBuilder().threads(threads);
            if (seed != null) {
                b.seed(seed);
            }
            if (preset != null) {
                b.tissue(TissueSource.named(preset));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
    }

    /** Slides under a folder (SPEC §1 extensions, sorted by path), or the one file given. */
    static List<Path> slideFiles(Path slides) {
        if (Files.isRegularFile(slides)) {
            return List.of(slides);
        }
        if (!Files.isDirectory(slides)) {
            throw new CliException("--slides " + slides + " is neither a folder nor a file", 2);
        }
        List<Path> files = SlideScanner.scan(List.of(slides), null).stream().map(SlideRef::path).toList();
        if (files.isEmpty()) {
            throw new CliException("no slide files under " + slides.toAbsolutePath(), 1);
        }
        return files;
    }
}
