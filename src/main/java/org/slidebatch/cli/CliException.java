package org.slidebatch.cli;

/** A failure the user can act on: printed as one line, exit code 1 (2 for usage errors). */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(String message) {
        this(message, 1);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = 1;
    }

    int exitCode() {
        return exitCode;
    }
}
