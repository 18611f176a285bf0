package org.slidebatch.slide;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Locations of the real test slides (src/test/resources/testdata) and a bridge to openslide-python for reference pixels. */
public final class TestSlides {

    /** Debian's interpreter: the pyenv python3 on PATH has no openslide module. */
    public static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    private static Boolean pythonOpenSlide;
    private static Boolean pythonPil;

    private TestSlides() {
    }

    /** The repository's real test slides; they ship with the sources, so a missing one is an error, not a skip. */
    public static Path testdata() {
        String prop = System.getProperty("slidebatch.testdata");
        Path dir = prop != null ? Path.of(prop) : Path.of("src", "test", "resources", "testdata");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("test data not found at " + dir.toAbsolutePath()
                + " (it ships in src/test/resources/testdata; -Dslidebatch.testdata overrides)");
        }
        return dir.toAbsolutePath().normalize();
    }

    public static Path slide(String name) {
        return existing(testdata().resolve("slides").resolve(name));
    }

    public static Path edge(String name) {
        return existing(testdata().resolve("edge").resolve(name));
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing test file " + p + " (see src/test/resources/testdata/README.md)");
        }
        return p;
    }

    public static void assumeOpenSlide() {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide.so.0 is not installed (apt-get install libopenslide0)");
    }

    /** True when /usr/bin/python3 can import openslide (python3-openslide). */
    public static synchronized boolean pythonHasOpenSlide() {
        if (pythonOpenSlide == null) {
            boolean ok = false;
            if (Files.isExecutable(SYSTEM_PYTHON)) {
                try {
                    Process p = new ProcessBuilder(SYSTEM_PYTHON.toString(), "-c", "import openslide")
                        .redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
                } catch (IOException e) {
                    ok = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            pythonOpenSlide = ok;
        }
        return pythonOpenSlide;
    }

    public static void assumePythonOpenSlide() {
        assumeTrue(pythonHasOpenSlide(),
            SYSTEM_PYTHON + " cannot import openslide; install python3-openslide to run the pixel-parity tests");
    }

    /** True when /usr/bin/python3 can import PIL and numpy (python3-pil, python3-numpy). */
    public static synchronized boolean pythonHasPil() {
        if (pythonPil == null) {
            pythonPil = canImport("PIL.Image, numpy");
        }
        return pythonPil;
    }

    public static void assumePil() {
        assumeTrue(pythonHasPil(),
            SYSTEM_PYTHON + " cannot import PIL and numpy; install python3-pil and python3-numpy to run the Pillow parity tests");
    }

    /** Skips unless /usr/bin/python3 can import {@code modules} (comma-separated); names the Debian packages to install. */
    public static void assumePythonModules(String modules, String packages) {
        assumeTrue(canImport(modules), SYSTEM_PYTHON + " cannot import " + modules + "; install " + packages);
    }

    private static boolean canImport(String modules) {
        if (!Files.isExecutable(SYSTEM_PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(SYSTEM_PYTHON.toString(), "-c", "import " + modules).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code /usr/bin/python3} with arguments; returns stdout, fails with stderr on a non-zero exit. */
    public static String runPython(List<String> args, Path workDir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(SYSTEM_PYTHON.toString());
        cmd.addAll(args);
        Path err = Files.createTempFile(workDir, "py", ".err");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
            .redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("python timed out: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("python failed (" + p.exitValue() + "): " + cmd + "\n"
                + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
