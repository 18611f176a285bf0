package org.slidebatch.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * What produced the numbers of one figure or table: the step executions (ids in the job repository) and the inputs
 * read, each with a SHA-256 fingerprint. Database inputs are fingerprinted over the rows actually used.
 */
public record Provenance(List<Long> stepExecutionIds, List<Input> inputs) {

    /** The column (or JSON field) every evaluation output carries. */
    public static final String STEP_EXECUTION_COLUMN = "step_execution_id";

    /** One input: a workspace-relative file or {@code db:<table>}, and its SHA-256. */
    public record Input(String name, String sha256) {
    }

    public Provenance {
        stepExecutionIds = List.copyOf(new TreeSet<>(stepExecutionIds));
        inputs = List.copyOf(inputs);
    }

    public static Provenance of(Collection<Long> ids, Input... inputs) {
        return new Provenance(new ArrayList<>(ids), List.of(inputs));
    }

    public Provenance plus(Provenance other) {
        List<Long> ids = new ArrayList<>(stepExecutionIds);
        ids.addAll(other.stepExecutionIds);
        List<Input> in = new ArrayList<>(inputs);
        for (Input i : other.inputs) {
            if (!in.contains(i)) {
                in.add(i);
            }
        }
        return new Provenance(ids, in);
    }

    public static Input file(Path workspaceRoot, Path file) throws IOException {
        MessageDigest md = sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        String name = file.toAbsolutePath().startsWith(workspaceRoot) ? workspaceRoot.relativize(file.toAbsolutePath()).toString() : file.toString();
        return new Input(name, HexFormat.of().formatHex(md.digest()));
    }

    /** A database input: the table and the rows used, in a canonical text form. */
    public static Input rows(String table, List<?> rows) {
        MessageDigest md = sha();
        for (Object r : rows) {
            md.update(String.valueOf(r).getBytes(StandardCharsets.UTF_8));
            md.update((byte) '\n');
        }
        return new Input("db:" + table + " (" + rows.size() + " rows)", HexFormat.of().formatHex(md.digest()));
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
