package org.slidebatch.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slidebatch.synth.SyntheticCohort;

/** Generated cohorts and the shared real test data, for functional tests. */
public final class TestCohorts {

    private TestCohorts() {
    }

    /** Writes {@code n} small seeded slides (512–768 px wide) under {@code dir}. */
    public static Path small(Path dir, int n, long seed) throws IOException {
        SyntheticCohort.write(dir, new SyntheticCohort.Options(n, seed, 512, 768, 2), null);
        return dir;
    }

    /** ../shared/testdata, or null when this checkout has none beside it. */
    public static Path testdata() {
        String prop = System.getProperty("slidebatch.testdata");
        Path p = prop != null ? Path.of(prop) : Path.of("../shared/testdata");
        return Files.isDirectory(p) ? p.toAbsolutePath().normalize() : null;
    }
}
