package org.slidebatch.diagnostics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.WeightsLoader;

/**
 * Gate G3 (NB06C "checkpoints"): the model files under the checkpoint folder ({@code .safetensors}, {@code .pt},
 * {@code .pth}), oldest to newest by modification time as NB06C sorts them; the newest {@code recent} are test-loaded
 * — every tensor of a safetensors file is read, so a truncated file fails — and recorded with size and SHA-256.
 * PASS when there is at least one and all recent ones load, WARN when some do not, FAIL when there are none.
 * Temporary files of an interrupted atomic write (names starting with a dot) are not checkpoints.
 */
public record CheckpointScan(Path folder, int count, List<Checkpoint> recent, Path suggested) {

    public static final String GATE = "G3_checkpoints";
    public static final int NB06C_RECENT = 6;
    static final int TOP_KEYS = 8;
    static final int ERROR_CHARS = 180;

    /** One test-loaded file; {@code error} is null when it loaded. */
    public record Checkpoint(Path file, long bytes, String sha256, boolean loadOk, String type, int tensors,
                             List<String> topKeys, String error) {

        public double sizeMb() {
            return Math.round(bytes / (1024.0 * 1024.0) * 100.0) / 100.0;
        }

        public String sha256Short() {
            return sha256 == null ? null : sha256.substring(0, 12);
        }
    }

    public static CheckpointScan scan(Path folder, int recent) {
        List<Path> files = modelFiles(folder);
        List<Checkpoint> checked = new ArrayList<>();
        for (Path f : files.subList(Math.max(0, files.size() - recent), files.size())) {
            checked.add(testLoad(f));
        }
        return new CheckpointScan(folder, files.size(), List.copyOf(checked), files.isEmpty() ? null : files.getLast());
    }

    /** Model files under {@code folder} (recursively), oldest first by modification time, then by path. */
    static List<Path> modelFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile)
                .filter(p -> {
                    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                    return !n.startsWith(".") && (n.endsWith(".safetensors") || n.endsWith(".pt") || n.endsWith(".pth"));
                })
                .sorted(Comparator.comparing(CheckpointScan::mtime).thenComparing(Path::toString))
                .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoint folder " + folder, e);
        }
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static Checkpoint testLoad(Path f) {
        long bytes;
        String sha;
        try {
            bytes = Files.size(f);
            sha = WeightsLoader.sha256(f);
        } catch (IOException | RuntimeException e) {
            return new Checkpoint(f, -1, null, false, null, 0, List.of(), shorten(e.toString()));
        }
        if (!SafeTensors.looksLikeSafeTensors(f)) {
            return new Checkpoint(f, bytes, sha, false, null, 0, List.of(),
                "not a safetensors file: slidebatch writes and test-loads safetensors only (a pickled .pt is not unpickled)");
        }
        try (SafeTensors st = SafeTensors.open(f)) {
            List<String> keys = new ArrayList<>(st.entries().keySet());
            for (String k : keys) {
                st.read(k);
            }
            return new Checkpoint(f, bytes, sha, true, "safetensors", keys.size(),
                List.copyOf(keys.subList(0, Math.min(TOP_KEYS, keys.size()))), null);
        } catch (RuntimeException e) {
            return new Checkpoint(f, bytes, sha, false, "safetensors", 0, List.of(), shorten(String.valueOf(e.getMessage())));
        }
    }

    private static String shorten(String s) {
        return s.length() <= ERROR_CHARS ? s : s.substring(0, ERROR_CHARS);
    }

    public Gate gate() {
        if (count == 0) {
            return new Gate(GATE, GateStatus.FAIL, "no model files (.safetensors, .pt, .pth) under " + folder, 0.0);
        }
        List<String> failed = recent.stream().filter(c -> !c.loadOk()).map(c -> c.file().getFileName().toString()).toList();
        if (failed.isEmpty()) {
            return new Gate(GATE, GateStatus.PASS, String.format(Locale.ROOT,
                "%d model files; the newest %d load (newest: %s)", count, recent.size(), suggested.getFileName()),
                (double) count);
        }
        return new Gate(GATE, GateStatus.WARN, String.format(Locale.ROOT, "%d of the newest %d model files do not load: %s",
            failed.size(), recent.size(), String.join(", ", failed)), (double) count);
    }
}
