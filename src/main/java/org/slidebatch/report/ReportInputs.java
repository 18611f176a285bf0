package org.slidebatch.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the report finds the other stages' files in the workspace (their published contracts):
 * {@code evaluation/<protocol>/} (probe, binary CV, LOCO; recognised by the files inside, not by the folder name),
 * {@code grade/}, {@code embeddings/<tag>/}. Every lookup that finds nothing says what it looked for.
 */
public final class ReportInputs {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path root;

    public ReportInputs(Path workspaceRoot) {
        this.root = workspaceRoot.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The first {@code evaluation/<protocol>/<file>} in protocol-name order that exists. */
    public Path evaluation(String file) throws NotAvailable {
        Path eval = root.resolve("evaluation");
        if (Files.isDirectory(eval)) {
            try (Stream<Path> dirs = Files.list(eval)) {
                Optional<Path> hit = dirs.filter(Files::isDirectory).sorted().map(d -> d.resolve(file)).filter(Files::isRegularFile).findFirst();
                if (hit.isPresent()) {
                    return hit.get();
                }
            } catch (IOException e) {
                throw new NotAvailable("cannot list " + eval + ": " + e.getMessage());
            }
        }
        throw new NotAvailable("no evaluation/<protocol>/" + file);
    }

    /** {@code evaluation/<protocol>/<file>} of the protocol folder that also holds {@code marker} (e.g. the binary-CV oof.csv). */
    public Path evaluationBeside(String marker, String file) throws NotAvailable {
        Path m = evaluation(marker);
        Path f = m.resolveSibling(file);
        if (!Files.isRegularFile(f)) {
            throw new NotAvailable("no " + root.relativize(f));
        }
        return f;
    }

    public Path grade(String file) throws NotAvailable {
        Path f = root.resolve("grade").resolve(file);
        if (!Files.isRegularFile(f)) {
            throw new NotAvailable("no grade/" + file);
        }
        return f;
    }

    /** The slide embeddings of one tag, or of the only tag present when none is given. */
    public List<Path> embeddings(String tag) throws NotAvailable {
        Path dir = root.resolve("embeddings");
        if (!Files.isDirectory(dir)) {
            throw new NotAvailable("no embeddings/<tag>/");
        }
        try {
            Path tagDir;
            if (tag != null && !tag.isBlank()) {
                tagDir = dir.resolve(tag);
            } else {
                List<Path> tags;
                try (Stream<Path> s = Files.list(dir)) {
                    tags = s.filter(Files::isDirectory)
                        .filter(t -> !t.getFileName().toString().equals(org.slidebatch.batch.PassportListener.FOLDER)).sorted().toList();
                }
                if (tags.size() != 1) {
                    throw new NotAvailable(tags.isEmpty() ? "no embeddings/<tag>/" : "several embedding tags in embeddings/ "
                        + tags.stream().map(p -> p.getFileName().toString()).toList() + ": give embedding_tag");
                }
                tagDir = tags.getFirst();
            }
            if (!Files.isDirectory(tagDir)) {
                throw new NotAvailable("no " + root.relativize(tagDir) + "/");
            }
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(tagDir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".npy")).sorted().forEach(files::add);
            }
            if (files.isEmpty()) {
                throw new NotAvailable("no embeddings/" + tagDir.getFileName() + "/*.npy");
            }
            return files;
        } catch (IOException e) {
            throw new NotAvailable("cannot list " + dir + ": " + e.getMessage());
        }
    }

    public static JsonNode json(Path file) throws IOException {
        try {
            return JSON.readTree(file.toFile());
        } catch (RuntimeException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The {@code step_execution_id} field of a JSON output (required: it is the file's provenance). */
    public static long stepExecutionId(Path file, JsonNode node) throws IOException {
        JsonNode id = node.get(Provenance.STEP_EXECUTION_COLUMN);
        if (id == null || !id.canConvertToLong()) {
            throw new IOException(file + ": no numeric field '" + Provenance.STEP_EXECUTION_COLUMN + "' (provenance is required)");
        }
        return id.asLong();
    }
}
