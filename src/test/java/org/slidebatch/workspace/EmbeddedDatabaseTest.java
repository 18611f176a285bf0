package org.slidebatch.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.store.RepositoryConnection;

/** The workspace's H2 job repository admits only its own credentials and listens on loopback only. */
class EmbeddedDatabaseTest {

    @TempDir
    Path tmp;

    @Test
    void refusesConnectionsWithoutTheWorkspaceCredentialsAndListensOnLoopbackOnly() throws Exception {
        Workspace ws = new Workspace(tmp.resolve("ws"));
        EmbeddedDatabase.Credentials login = EmbeddedDatabase.credentials(ws);
        Path file = ws.root().resolve("db/credentials");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(login.password()).hasSize(64).matches("[0-9a-f]+");
        assertThat(login.toString()).doesNotContain(login.password());
        assertThat(EmbeddedDatabase.credentials(ws)).isEqualTo(login); // read back, not regenerated
        assertThat(EmbeddedDatabase.credentials(new Workspace(tmp.resolve("other"))).password()).isNotEqualTo(login.password());

        try (Connection owner = DriverManager.getConnection(ws.defaultJdbcUrl(), login.user(), login.password());
             Statement s = owner.createStatement()) {
            s.execute("CREATE TABLE audit (id INT)");

            // This JVM opened the file first, so it runs the AUTO_SERVER; the lock file says where.
            Properties lock = new Properties();
            lock.load(new StringReader(Files.readString(ws.root().resolve("db/slidebatch.lock.db"))));
            String server = lock.getProperty("server");
            // H2 names the bind address by its host name when it has one.
            assertThat(server.substring(0, server.lastIndexOf(':'))).isIn("127.0.0.1", "localhost");
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            // Java may bind an IPv6 socket to the IPv4-mapped loopback (::ffff:127.0.0.1): still loopback only.
            // A server open to the network would show 00000000 (0.0.0.0) or all zeros (::).
            assertThat(listeners(port)).as("sockets listening on port " + port).isNotEmpty()
                .allMatch(a -> a.equals("0100007F") || a.equals("0000000000000000FFFF00000100007F"));

            // Over that server, as another process would connect: the workspace's login works, nothing else does.
            String tcp = "jdbc:h2:tcp://" + server + "/" + lock.getProperty("id");
            try (Connection c = DriverManager.getConnection(tcp, login.user(), login.password());
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM audit")) {
                assertThat(rs.next()).isTrue();
            }
            for (String[] attempt : new String[][] {{"sa", ""}, {login.user(), ""}, {login.user(), "wrong"}}) {
                assertThatThrownBy(() -> DriverManager.getConnection(tcp, attempt[0], attempt[1]).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("Wrong user name or password");
                assertThatThrownBy(() -> DriverManager.getConnection(ws.defaultJdbcUrl(), attempt[0], attempt[1]).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("Wrong user name or password");
            }
        }
    }

    @Test
    void aWorkspaceFromAnOlderBuildGetsAPasswordOnItsSaUser() throws Exception {
        Workspace ws = new Workspace(tmp.resolve("old"));
        Files.createDirectories(ws.root().resolve("db"));
        try (Connection c = DriverManager.getConnection(ws.defaultJdbcUrl(), "sa", "")) {
            c.createStatement().execute("CREATE TABLE t (id INT)");
        }
        EmbeddedDatabase.Credentials login = EmbeddedDatabase.credentials(ws);
        assertThat(login.user()).isEqualTo("SA");
        assertThat(Files.getPosixFilePermissions(ws.root().resolve("db"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (Connection c = DriverManager.getConnection(ws.defaultJdbcUrl(), login.user(), login.password())) {
            assertThat(c.createStatement().executeQuery("SELECT COUNT(*) FROM t").next()).isTrue();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(ws.defaultJdbcUrl(), "sa", "").close())
            .isInstanceOf(SQLException.class).hasMessageContaining("Wrong user name or password");
    }

    @Test
    void passwordsNeverShowInDescribedUrls() {
        assertThat(RepositoryConnection.redact("jdbc:postgresql://127.0.0.1:5432/slides?user=postgres&password=s3cret&ssl=true"))
            .isEqualTo("jdbc:postgresql://127.0.0.1:5432/slides?user=postgres&password=***&ssl=true");
        assertThat(RepositoryConnection.redact("jdbc:h2:tcp://localhost/x;USER=a;PASSWORD=s3cret;AUTO_SERVER=TRUE"))
            .isEqualTo("jdbc:h2:tcp://localhost/x;USER=a;PASSWORD=***;AUTO_SERVER=TRUE");
        assertThat(RepositoryConnection.redact("jdbc:mysql://bob:s3cret@db.example/slides"))
            .isEqualTo("jdbc:mysql://bob:***@db.example/slides");
        assertThat(RepositoryConnection.redact("jdbc:postgresql://127.0.0.1:5432/slides?user=postgres"))
            .isEqualTo("jdbc:postgresql://127.0.0.1:5432/slides?user=postgres");
        assertThat(RepositoryConnection.redactSecrets("UnknownHostException: bob:s3cret@db.example",
            "jdbc:postgresql://bob:s3cret@db.example/slides")).isEqualTo("UnknownHostException: bob:***@db.example");
        assertThat(RepositoryConnection.redactSecrets("login with s3cret failed",
            "jdbc:postgresql://db/slides?password=s3cret")).isEqualTo("login with *** failed");
    }

    /** Local addresses (hex, as /proc/net/tcp writes them) of the sockets listening on a port, IPv4 and IPv6. */
    static List<String> listeners(int port) throws Exception {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        List<String> out = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String[] local = f[1].split(":");
                if (local[1].equals(hexPort) && f[3].equals("0A")) {
                    out.add(local[0]);
                }
            }
        }
        return out;
    }
}
