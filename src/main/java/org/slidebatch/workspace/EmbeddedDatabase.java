package org.slidebatch.workspace;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;

/**
 * The workspace's own job repository: an H2 file database in {@code db/}, in AUTO_SERVER mode so that
 * {@code history} and {@code stop} reach it while a job runs. That server listens on the loopback interface only
 * ({@code h2.bindAddress}, set before H2 loads) and admits only the workspace's generated user and password, kept
 * in {@code db/credentials} (mode 0600, folder 0700), so no other host, and no other local user, can rewrite the audit trail.
 */
public final class EmbeddedDatabase {

    /** H2 reads it once, when its SysProperties class loads: every way to the embedded URL passes through here first. */
    public static final String BIND_ADDRESS_PROPERTY = "h2.bindAddress";
    public static final String LOOPBACK = "127.0.0.1";
    public static final String CREDENTIALS_FILE = "credentials";
    static final String USER = "SLIDEBATCH";

    static {
        if (System.getProperty(BIND_ADDRESS_PROPERTY) == null) {
            System.setProperty(BIND_ADDRESS_PROPERTY, LOOPBACK);
        }
    }

    /** A user and password; {@link #toString()} never shows the password. */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=***]";
        }
    }

    private EmbeddedDatabase() {
    }

    public static Path folder(Workspace ws) {
        return ws.root().resolve("db");
    }

    /**
     * {@code WRITE_DELAY=0}: H2 writes a commit to its file before the commit returns, instead of up to 500 ms later,
     * so a kill -9 right after a chunk's commit keeps it (without it a killed job lost its last commits, even the
     * tables of a database it had just made: {@code CommitDurabilityTest}). Not 1: its background writer can lag on a
     * loaded machine, and the full suite once lost 52 of 200 commits to a kill right after them. The cost, a file that
     * H2 does not compact while it is open, is in README, "Reliability".
     */
    public static String url(Workspace ws) {
        return "jdbc:h2:file:" + folder(ws).resolve("slidebatch") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    }

    /**
     * The workspace's credentials, generated on first use (32 random bytes, hex) and written where only the
     * owner can read them. A workspace made by an older build (user {@code sa}, no password) gets a password
     * set on its {@code sa} user instead.
     */
    public static synchronized Credentials credentials(Workspace ws) {
        Path dir = folder(ws);
        Path file = dir.resolve(CREDENTIALS_FILE);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            if (Files.exists(file)) {
                return read(file);
            }
            String password = HexFormat.of().formatHex(randomBytes());
            Credentials fresh = Files.exists(dir.resolve("slidebatch.mv.db"))
                ? upgradeLegacy(ws, password) : new Credentials(USER, password);
            Path tmp = Files.createTempFile(dir, ".credentials", ".tmp",
                PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
            try {
                Files.writeString(tmp, "# job repository credentials of this workspace; keep private\nuser=" + fresh.user()
                    + "\npassword=" + fresh.password() + "\n", StandardCharsets.UTF_8);
                // A hard link appears whole or not at all, and fails if another process won the race: then use theirs.
                Files.createLink(file, tmp);
                // The database files themselves must be as private as the password (older workspaces made db/ 0755).
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                return fresh;
            } catch (FileAlreadyExistsException raced) {
                return read(file);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the job repository credentials " + file + ": " + e.getMessage(), e);
        }
    }

    private static Credentials read(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        String user = p.getProperty("user");
        String password = p.getProperty("password");
        if (user == null || password == null) {
            throw new IOException("no user= and password= lines in it");
        }
        return new Credentials(user, password);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** An older workspace's repository was created for user {@code sa} without a password: give it one. */
    private static Credentials upgradeLegacy(Workspace ws, String password) throws IOException {
        try (Connection c = DriverManager.getConnection(url(ws), "sa", "");
             PreparedStatement s = c.prepareStatement("ALTER USER SA SET PASSWORD ?")) {
            s.setString(1, password);
            s.execute();
            return new Credentials("SA", password);
        } catch (SQLException e) {
            throw new IOException("the repository in " + folder(ws) + " has no credentials file and does not open as "
                + "user sa without a password (" + e.getMessage() + ")", e);
        }
    }
}
