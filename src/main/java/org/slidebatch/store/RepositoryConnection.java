package org.slidebatch.store;

import java.util.regex.Pattern;

import org.slidebatch.workspace.EmbeddedDatabase;
import org.slidebatch.workspace.Workspace;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.core.env.Environment;

/**
 * Where the job repository is and how to log in, for Spring Boot's data source. In order: {@code --db} (or
 * {@code $SLIDEBATCH_DB}; the launcher passes either as {@code slidebatch.db-url}), Spring Boot's own
 * {@code spring.datasource.url} ({@code $SPRING_DATASOURCE_URL}, with {@code _USERNAME}/{@code _PASSWORD}), else
 * the workspace's embedded H2 with its generated credentials. {@link #toString()} and {@link #describe()} never
 * show a password.
 */
public final class RepositoryConnection implements JdbcConnectionDetails {

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]*:)[^@/]*@");

    private final String url;
    private final String username;
    private final String password;
    private final boolean embedded;

    private RepositoryConnection(String url, String username, String password, boolean embedded) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.embedded = embedded;
    }

    public static RepositoryConnection resolve(Environment env, Workspace workspace) {
        String url = blankToNull(env.getProperty("slidebatch.db-url"));
        if (url == null) {
            url = blankToNull(env.getProperty("spring.datasource.url"));
        }
        if (url != null) {
            return new RepositoryConnection(url, blankToNull(env.getProperty("spring.datasource.username")),
                env.getProperty("spring.datasource.password"), false);
        }
        EmbeddedDatabase.Credentials c = EmbeddedDatabase.credentials(workspace);
        return new RepositoryConnection(EmbeddedDatabase.url(workspace), c.user(), c.password(), true);
    }

    /** The URL with any password in it replaced by {@code ***} ({@code password=}, {@code ;PASSWORD=}, {@code user:pass@}). */
    public static String redact(String jdbcUrl) {
        if (jdbcUrl == null) {
            return null;
        }
        String s = PASSWORD_PARAM.matcher(jdbcUrl).replaceAll("$1***");
        return USER_INFO.matcher(s).replaceAll("$1***@");
    }

    /**
     * The text with every password written in the URL replaced by {@code ***}, wherever it appears: drivers quote
     * parts of a URL they could not use (a {@code user:pass@host} they took for a host name, say).
     */
    public static String redactSecrets(String text, String jdbcUrl) {
        if (text == null || jdbcUrl == null) {
            return text;
        }
        String out = text.replace(jdbcUrl, redact(jdbcUrl));
        java.util.regex.Matcher m = Pattern.compile("(?i)password=([^&;]+)").matcher(jdbcUrl);
        while (m.find()) {
            out = out.replace(m.group(1), "***");
        }
        m = Pattern.compile("//[^/:@]*:([^@/]+)@").matcher(jdbcUrl);
        while (m.find()) {
            out = out.replace(m.group(1), "***");
        }
        return redact(out);
    }

    /** For people: the redacted URL, and for the embedded database where its credentials live. */
    public String describe() {
        return embedded ? redact(url) + " (user " + username + ", password in db/" + EmbeddedDatabase.CREDENTIALS_FILE + ")"
            : redact(url);
    }

    public boolean embedded() {
        return embedded;
    }

    @Override
    public String getJdbcUrl() {
        return url;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public String getPassword() {
        return password;
    }

    @Override
    public String toString() {
        return "RepositoryConnection[" + describe() + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
