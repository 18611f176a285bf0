package org.slidebatch.diagnostics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Gate G1 (NB06C "two-scale coverage"): how many slides have feature files at both scales — the slides pretraining
 * can use. OpenSlideFM's thresholds are for its ~20,000-slide TCGA cohort (PASS ≥ 18,000, WARN ≥ 15,000, else
 * FAIL); they are parameters here so a small cohort can be judged on its own scale.
 */
public record Coverage(int atFine, int atCoarse, int atBoth, int passAt, int warnAt) {

    public static final String GATE = "G1_2scale_coverage";
    public static final int OPENSLIDEFM_PASS = 18_000;
    public static final int OPENSLIDEFM_WARN = 15_000;

    /** Counts the feature files ({@code <slide_id>.npy}, not the {@code _coords.npy} beside them) in the two folders. */
    public static Coverage count(Path fineFolder, Path coarseFolder, int passAt, int warnAt) {
        Set<String> fine = stems(fineFolder);
        Set<String> coarse = stems(coarseFolder);
        Set<String> both = new TreeSet<>(fine);
        both.retainAll(coarse);
        return new Coverage(fine.size(), coarse.size(), both.size(), passAt, warnAt);
    }

    static Set<String> stems(Path folder) {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> s = Files.list(folder)) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".npy") && !n.endsWith("_coords.npy") && !n.startsWith("."))
                .forEach(n -> out.add(n.substring(0, n.length() - 4)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list feature folder " + folder, e);
        }
        return out;
    }

    public Gate gate() {
        GateStatus s = atBoth >= passAt ? GateStatus.PASS : atBoth >= warnAt ? GateStatus.WARN : GateStatus.FAIL;
        return new Gate(GATE, s, String.format(Locale.ROOT,
            "%d slides with features at both scales (%d at 0.5 µm/px, %d at 2.0; PASS ≥ %d, WARN ≥ %d)",
            atBoth, atFine, atCoarse, passAt, warnAt), (double) atBoth);
    }
}
