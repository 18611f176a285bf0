package org.slidebatch.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.cli.SlidebatchMain;

/** Typo'd and malformed parameters are refused before a job starts: exit 2 and one line naming the parameter. */
class ParameterRefusalTests {

    @TempDir
    Path tmp;

    record Result(int exit, String err) {
    }

    Result run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int exit;
        try {
            String[] all = new String[args.length + 2];
            all[0] = "--workspace";
            all[1] = tmp.resolve("ws").toString();
            System.arraycopy(args, 0, all, 2, args.length);
            exit = SlidebatchMain.execute(all);
        } finally {
            System.setErr(old);
        }
        return new Result(exit, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void typosAndMalformedValuesAreRefusedWithOneLineNamingTheParameter() {
        Result typo = run("run", "qc", "--param", "min_tisue_pct=0.2");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err().lines().toList()).hasSize(1).first().asString()
            .contains("unknown parameter 'min_tisue_pct'").contains("did you mean 'min_tissue_pct'?")
            .contains("valid parameters: ").contains("max_white_pct").contains("roots");

        Result bool = run("run", "segment", "--param", "honor_qc=nope");
        assertThat(bool.exit()).isEqualTo(2);
        assertThat(bool.err().lines().toList()).hasSize(1).first().asString().contains("honor_qc must be true or false, got 'nope'");

        Result number = run("run", "tile", "--param", "assume_mpp=0.5um");
        assertThat(number.exit()).isEqualTo(2);
        assertThat(number.err().lines().toList()).hasSize(1).first().asString().contains("assume_mpp must be a number, got '0.5um'");

        Result workers = run("run", "features", "--param", "random_weights=true", "--param", "workers=two");
        assertThat(workers.exit()).isEqualTo(2);
        assertThat(workers.err().lines().toList()).hasSize(1).first().asString().contains("workers must be a positive integer");

        Result policy = run("run", "tile", "--param", "qc_policy=lenient");
        assertThat(policy.exit()).isEqualTo(2);
        assertThat(policy.err()).contains("qc_policy must be strict, medium or none, got 'lenient'");
    }

    @Test
    void closestNameIsOfferedOnlyWhenItIsClose() {
        var valid = java.util.Set.of("min_tissue_pct", "max_white_pct", "seed");
        assertThat(StageParameters.unknown("min_tisue_pct", valid)).contains("did you mean 'min_tissue_pct'?");
        assertThat(StageParameters.unknown("banana", valid)).doesNotContain("did you mean");
        assertThat(StageParameters.distance("kitten", "sitting")).isEqualTo(3);
    }
}
