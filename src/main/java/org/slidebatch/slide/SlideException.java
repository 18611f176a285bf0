package org.slidebatch.slide;

import java.nio.file.Path;

/** A slide could not be opened or read. The message always names the file and the reason. */
public class SlideException extends RuntimeException {

    private final Path path;

    public SlideException(Path path, String reason) {
        super(path + ": " + reason);
        this.path = path;
    }

    public SlideException(Path path, String reason, Throwable cause) {
        super(path + ": " + reason, cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** The reason without the path prefix, for tables that already have a path column. */
    public String reason() {
        String m = getMessage();
        String prefix = path + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
