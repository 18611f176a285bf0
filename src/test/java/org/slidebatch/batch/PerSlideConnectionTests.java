package org.slidebatch.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.SlideStore;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.support.TestCohorts;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * More workers than pooled connections, each slide slower than the pool's timeout: a slide's computation must not hold
 * a connection (before the fix, the 3rd worker waited for a connection, timed out after 1 s, and the execution ended UNKNOWN).
 */
@SpringBootTest(classes = SlidebatchApplication.class, properties = {
    "spring.datasource.hikari.maximum-pool-size=2", "spring.datasource.hikari.connection-timeout=1000"})
class PerSlideConnectionTests {

    @TempDir
    static Path tmp;
    static Path cohort;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("qcJob")
    Job qcJob;

    @Autowired
    SlideStore slides;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), 6, 5);
        System.setProperty("slidebatch.debug.item-delay-ms", "2500"); // each slide ≥ 2.5 s > the 1 s pool timeout
    }

    @AfterAll
    static void noDelay() {
        System.clearProperty("slidebatch.debug.item-delay-ms");
    }

    @Test
    void sixWorkersOnTwoConnectionsWithSlidesSlowerThanThePoolTimeoutComplete() throws Exception {
        JobExecution e = JobLaunches.start(jobOperator, qcJob, "roots", cohort.toString(), "workers", "6");
        assertThat(e.getStatus()).as(e.getExitStatus().getExitDescription()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(e.getStepExecutions().stream().filter(s -> s.getStepName().startsWith("qc.slides:partition")).count())
            .isEqualTo(6);
        assertThat(slides.countStepStatuses("qc", e.getId())).isEqualTo(6);
    }
}
