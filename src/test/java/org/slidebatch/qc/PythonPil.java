package org.slidebatch.qc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


/** Runs reference scripts with Debian's Python (PIL + NumPy); tests skip when that is not available. */
final class PythonPil {

    static final String PYTHON = "/usr/bin/python3";

    private PythonPil() {
    }

    static void assumeAvailable() {
        org.slidebatch.slide.TestSlides.assumePil();
    }

    /** Runs {@code script} with {@code args}; returns stdout, failing with stderr on a non-zero exit. */
    static String run(Path dir, String script, String... args) throws IOException, InterruptedException {
        Path file = dir.resolve("ref.py");
        Files.writeString(file, script);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, file.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("ref.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("reference script timed out");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("reference script failed: " + Files.readString(dir.resolve("ref.err")));
        }
        return out;
    }
}
