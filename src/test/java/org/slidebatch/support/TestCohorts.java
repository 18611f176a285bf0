package org.slidebatch.support;

import java.io.IOException;
import java.nio.file.Path;

import org.slidebatch.synth.SyntheticCohort;

/** Generated cohorts and the real test slides, for functional tests. */
public final class TestCohorts {

    private TestCohorts() {
    }

    /** Writes {@code n} small seeded slides (512–768 px wide) under {@code dir}. */
    public static Path small(Path dir, int n, long seed) throws IOException {
        SyntheticCohort.write(dir, new SyntheticCohort.Options(n, seed, 512, 768, 2), null);
        return dir;
    }

    /** The repository's real test slides (src/test/resources/testdata). */
    public static Path testdata() {
        return org.slidebatch.slide.TestSlides.testdata();
    }
}
