package org.slidebatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;

/** Through the launcher: `slides` shows what the scan could not use, and no command prints a password from --db. */
class ScanIssuesAndSecretsCliTest {

    @TempDir
    Path tmp;

    record Outcome(int exit, String out, String err) {
    }

    static synchronized Outcome cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = SlidebatchMain.execute(args);
            return new Outcome(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void slidesListsTheDuplicateIdBesideTheSlideThatKeptIt() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        Path root = tmp.resolve("wsi");
        Files.createDirectories(root.resolve("a"));
        Files.createDirectories(root.resolve("b"));
        Files.writeString(root.resolve("a/x.svs"), "not a slide");
        Files.writeString(root.resolve("b/x.tiff"), "not a slide either");
        String ws = tmp.resolve("ws").toString();

        Outcome run = cli("--workspace", ws, "run", "manifest", "--param", "roots=" + root);
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        Outcome slides = cli("--workspace", ws, "slides", "--json");
        assertThat(slides.exit()).isZero();
        String json = slides.out().replaceAll("\\s+", "");
        assertThat(json)
            .contains("\"slideId\":\"x\",\"path\":\"" + root.resolve("a/x.svs") + "\",\"manifestStatus\":\"unopenable\"")
            .contains("\"slideId\":\"x\",\"path\":\"" + root.resolve("b/x.tiff") + "\",\"manifestStatus\":\"duplicate_id\"");
        assertThat(slides.out()).contains("slide id 'x' is already used by " + root.resolve("a/x.svs"));
        Outcome table = cli("--workspace", ws, "slides");
        assertThat(table.out().lines().filter(l -> l.startsWith("x ")).toList()).hasSize(2)
            .anyMatch(l -> l.contains(" duplicate_id ")).anyMatch(l -> l.contains(" unopenable "));
    }

    @Test
    void doctorAndErrorsNeverPrintThePasswordOfDb() {
        String secret = "s3cret-" + System.nanoTime();
        Outcome doctor = cli("--workspace", tmp.resolve("ws2").toString(), "--db",
            "jdbc:postgresql://127.0.0.1:1/none?user=bob&password=" + secret, "doctor");
        assertThat(doctor.exit()).isEqualTo(1);
        assertThat(doctor.out()).contains("FAIL  database   cannot open the job repository at "
            + "jdbc:postgresql://127.0.0.1:1/none?user=bob&password=***");
        assertThat(doctor.out() + doctor.err()).doesNotContain(secret);

        Outcome history = cli("--workspace", tmp.resolve("ws2").toString(), "--db",
            "jdbc:postgresql://bob:" + secret + "@127.0.0.1:1/none", "history");
        assertThat(history.exit()).isEqualTo(1);
        assertThat(history.err()).contains("jdbc:postgresql://bob:***@127.0.0.1:1/none");
        assertThat(history.out() + history.err()).doesNotContain(secret);
    }
}
