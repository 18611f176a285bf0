package org.slidebatch.evaluate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.cli.SlidebatchMain;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * scripts/parity_eval.py writes fixed inputs and scikit-learn's results; the eval commands (run in-process)
 * must agree: metrics to 1e-9, probe out-of-fold probabilities to 1e-6 for both solvers. Skips without sklearn.
 */
class EvalParityTest {

    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void metricsAndProbeEqualScikitLearn(@TempDir Path dir) throws Exception {
        assumeTrue(python("-c", "import sklearn").exitCode == 0,
            "skipped: " + PYTHON + " with scikit-learn is not available (apt-get install python3-sklearn)");
        Path script = Path.of("scripts/parity_eval.py").toAbsolutePath();
        Run gen = python(script.toString(), dir.toString());
        assertEquals(0, gen.exitCode, gen.output);
        JsonNode expected = JsonMapper.builder().build().readTree(dir.resolve("expected.json").toFile());
        Files.createDirectories(dir.resolve("got"));
        for (var e : expected.get("metrics").properties()) {
            String c = e.getKey();
            int rc = SlidebatchMain.execute("eval", "metrics", "--csv", dir.resolve(c + ".csv").toString(),
                "--task", e.getValue().get("task").asString(), "--json", dir.resolve("got/" + c + ".json").toString());
            assertEquals(0, rc, c);
        }
        for (var e : expected.get("probe").properties()) {
            String c = e.getKey();
            for (String solver : List.of("lbfgs", "liblinear")) {
                int rc = SlidebatchMain.execute("eval", "probe", "--csv", dir.resolve(c + ".csv").toString(),
                    "--solver", solver, "--C", e.getValue().get("C").asString(),
                    "--json", dir.resolve("got/" + c + "." + solver + ".json").toString());
                assertEquals(0, rc, c + " " + solver);
            }
        }
        Run cmp = python(Path.of("scripts/parity_eval_compare.py").toAbsolutePath().toString(), dir.toString());
        System.out.println(cmp.output);
        assertEquals(0, cmp.exitCode, cmp.output);
        try (Stream<Path> got = Files.list(dir.resolve("got"))) {
            assertEquals(expected.get("metrics").size() + 2 * expected.get("probe").size(), got.count());
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run python(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return new Run(127, PYTHON + " missing");
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(124, out);
        }
        return new Run(p.exitValue(), out);
    }
}
