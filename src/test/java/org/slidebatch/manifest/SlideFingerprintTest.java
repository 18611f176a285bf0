package org.slidebatch.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SlideFingerprintTest {

    private static final int MIB = 1024 * 1024;
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** OpenSlideFM's sha1_quick, transcribed. */
    private static final String PY_SHA1_QUICK = """
        import hashlib, os, sys
        def sha1_quick(path, chunk=8 * 1024 * 1024):
            h = hashlib.sha1()
            size = os.path.getsize(path)
            with open(path, 'rb') as f:
                h.update(f.read(chunk))
                if size > chunk:
                    f.seek(max(size - chunk, 0))
                    h.update(f.read(chunk))
            h.update(str(size).encode('utf-8'))
            return 'QSHA1:' + h.hexdigest()
        for p in sys.argv[1:]:
            print(sha1_quick(p))
        """;

    @TempDir
    Path dir;

    private Path randomFile(String name, long size, long seed) throws IOException {
        byte[] data = new byte[Math.toIntExact(size)];
        new Random(seed).nextBytes(data);
        Path p = dir.resolve(name);
        Files.write(p, data);
        return p;
    }

    /** Independent Java reference: whole file in memory, windows cut with Arrays.copyOfRange. */
    private static String javaReference(Path p) throws Exception {
        byte[] all = Files.readAllBytes(p);
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        int window = 8 * MIB;
        sha1.update(Arrays.copyOfRange(all, 0, Math.min(window, all.length)));
        if (all.length > window) {
            sha1.update(Arrays.copyOfRange(all, Math.max(all.length - window, 0), all.length));
        }
        sha1.update(String.valueOf(all.length).getBytes(StandardCharsets.UTF_8));
        return "QSHA1:" + HexFormat.of().formatHex(sha1.digest());
    }

    private List<String> pythonReference(List<Path> files) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(PYTHON.toString(), "-c", PY_SHA1_QUICK.stripIndent()));
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    @Test
    void quickMatchesJavaReference() throws Exception {
        for (long size : new long[] {0, 1, 1000, 8L * MIB - 1, 8L * MIB, 8L * MIB + 1, 12L * MIB, 20L * MIB + 3}) {
            Path f = randomFile("f" + size + ".bin", size, size);
            assertThat(SlideFingerprint.quick(f)).as("size %d", size).isEqualTo(javaReference(f));
        }
    }

    @Test
    void quickMatchesPythonSha1Quick() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), PYTHON + " is not installed; the Java reference test still runs");
        Path small = randomFile("small.bin", 4321, 1);
        Path twelve = randomFile("twelve.bin", 12L * MIB, 2);   // head and tail windows overlap
        Path twenty = randomFile("twenty.bin", 20L * MIB, 3);   // head and tail windows are disjoint
        Path exact = randomFile("exact.bin", 8L * MIB, 4);      // exactly one window: no tail
        Path empty = randomFile("empty.bin", 0, 5);
        List<Path> files = List.of(small, twelve, twenty, exact, empty);
        List<String> expected = pythonReference(files);
        assertThat(expected).hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            assertThat(SlideFingerprint.quick(files.get(i))).as(files.get(i).getFileName().toString())
                .isEqualTo(expected.get(i));
        }
        // known value for the empty file: SHA-1 of the string "0"
        assertThat(expected.get(4)).isEqualTo("QSHA1:b6589fc6ab0dc82cf12099d1c2d40ab994e8410c");
    }

    @Test
    void quickDependsOnTailAndSizeButNotMiddle() throws Exception {
        byte[] data = new byte[20 * MIB];
        new Random(9).nextBytes(data);
        Path a = dir.resolve("a.bin");
        Files.write(a, data);
        String base = SlideFingerprint.quick(a);
        data[10 * MIB] ^= 1; // outside both windows
        Files.write(a, data);
        assertThat(SlideFingerprint.quick(a)).isEqualTo(base);
        data[data.length - 1] ^= 1; // in the tail window
        Files.write(a, data);
        assertThat(SlideFingerprint.quick(a)).isNotEqualTo(base);
        assertThat(SlideFingerprint.quick(a)).startsWith("QSHA1:").hasSize(6 + 40);
    }

    @Test
    void fullSha256IsDigestOfWholeFile() throws Exception {
        for (long size : new long[] {0, 17, MIB, 3L * MIB + 5}) {
            Path f = randomFile("s" + size + ".bin", size, 100 + size);
            String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
            assertThat(SlideFingerprint.fullSha256(f)).isEqualTo(expected).hasSize(64);
        }
        assertThat(SlideFingerprint.fullSha256(randomFile("e.bin", 0, 0)))
            .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void fullSha256OfSharedSlideMatchesReadme() throws Exception {
        Path slide = org.slidebatch.slide.TestSlides.slide("CMU-1-Small-Region.svs");
        assertThat(SlideFingerprint.fullSha256(slide))
            .isEqualTo("ed92d5a9f2e86df67640d6f92ce3e231419ce127131697fbbce42ad5e002c8a7");
    }

    @Test
    void missingFileThrows() {
        assertThatThrownBy(() -> SlideFingerprint.quick(dir.resolve("nope"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> SlideFingerprint.fullSha256(dir.resolve("nope"))).isInstanceOf(IOException.class);
    }
}
