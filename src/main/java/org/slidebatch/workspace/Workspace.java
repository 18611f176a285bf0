package org.slidebatch.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder a run writes into (SPEC §9): {@code manifest/ qc/ tissue/ tiles/ grid/ features/ figures/
 * report/}, plus {@code db/} for the embedded H2 job repository.
 */
public record Workspace(Path root) {

    public static final String ENV = "SLIDEBATCH_WORKSPACE";

    public Workspace {
        root = root.toAbsolutePath().normalize();
    }

    /** {@code --workspace}, else {@code $SLIDEBATCH_WORKSPACE}, else {@code ./workspace}. */
    public static Workspace resolve(Path option) {
        if (option != null) {
            return new Workspace(option);
        }
        String env = System.getenv(ENV);
        return new Workspace(Path.of(env == null || env.isBlank() ? "workspace" : env));
    }

    public Path stage(String name) {
        return root.resolve(name);
    }

    public Path figures() {
        return root.resolve("figures");
    }

    public Path passports() {
        return root.resolve("passports");
    }

    /**
     * The embedded default: an H2 file database inside the workspace, shareable by several local processes over
     * loopback, with the workspace's own credentials ({@link EmbeddedDatabase}).
     */
    public String defaultJdbcUrl() {
        return EmbeddedDatabase.url(this);
    }

    public void create() throws IOException {
        Files.createDirectories(root);
    }
}
