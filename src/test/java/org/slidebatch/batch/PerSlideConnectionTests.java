package org.slidebatch.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStore;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.support.TestCohorts;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * More workers than pooled connections, each slide slower than the pool's timeout: a slide's computation must not hold
 * a connection. Before the fix the 3rd worker waited for a connection, timed out, and the execution ended UNKNOWN (with
 * the lazy DataSource switched off this test fails that way). The slow step is a {@link SlideWork} whose compute sleeps
 * and reads the database (as real stages do), so the only connection time left is the writer's.
 */
@SpringBootTest(classes = {SlidebatchApplication.class, PerSlideConnectionTests.SlowJob.class}, properties = {
    "spring.datasource.hikari.maximum-pool-size=2", "spring.datasource.hikari.connection-timeout=3000"})
class PerSlideConnectionTests {

    /**
     * Every slide takes longer than the 3 s pool timeout; the six are staggered by 1.5 s so that their (short) writes do
     * not all queue for the two connections at the same instant on a loaded machine: what is tested is the compute.
     */
    static long slideMillis(String slideId) {
        return 4000 + 1500L * Integer.parseInt(slideId.replaceAll("\\D", ""));
    }

    @TempDir
    static Path tmp;
    static Path cohort;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("manifestJob")
    Job manifestJob;

    @Autowired
    @Qualifier("slowJob")
    Job slowJob;

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
    }

    @TestConfiguration
    static class SlowJob {
        @Bean
        Job legacyJob(JobRepository repo, org.springframework.transaction.PlatformTransactionManager tx, SlideStore slides,
                      org.slidebatch.store.PassportStore passports, org.slidebatch.workspace.Workspace workspace) {
            SlideTask task = (slide, p) -> new SlideOutcome(org.slidebatch.store.SlideStepStatus.DONE, "seed " + Params.seed(p));
            return new JobBuilder("legacy", repo).start(PerSlidePartitionedStep.build("legacy", "legacy", task, repo, tx, slides,
                passports, workspace, System.out)).build();
        }

        @Bean
        Job slowJob(JobRepository repo, PerSlideSteps steps, SlideStore slides) {
            return new JobBuilder("slow", repo).start(steps.build("slow", "slow", () -> new SlideWork<String>() {
                @Override
                public SlideResult<String> compute(SlideRecord slide) throws InterruptedException {
                    Thread.sleep(slideMillis(slide.slideId()));
                    return SlideResult.write(slides.find(slide.slideId()).orElseThrow().fingerprint());
                }

                @Override
                public void write(SlideRecord slide, String fingerprint, SlideOutputs outputs) {
                    assertThat(fingerprint).isEqualTo(slide.fingerprint());
                }
            })).build();
        }
    }

    /** Code written against the older SlideTask API still runs through PerSlidePartitionedStep.build. */
    @Test
    void aLegacySlideTaskStillRuns() throws Exception {
        assertThat(JobLaunches.start(jobOperator, manifestJob, "roots", cohort.toString()).getStatus())
            .isEqualTo(BatchStatus.COMPLETED);
        JobExecution e = JobLaunches.start(jobOperator, legacyJob, "workers", "2", "seed", "7");
        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(slides.countStepStatuses("legacy", e.getId())).isEqualTo(6);
        assertThat(slides.findStepStatuses().stream().filter(st -> st.stepName().equals("legacy")).map(st -> st.reason()))
            .containsOnly("seed 7");
    }

    @Autowired
    @Qualifier("legacyJob")
    Job legacyJob;

    @Test
    void sixWorkersOnTwoConnectionsWithSlidesSlowerThanThePoolTimeoutComplete() throws Exception {
        assertThat(JobLaunches.start(jobOperator, manifestJob, "roots", cohort.toString()).getStatus())
            .isEqualTo(BatchStatus.COMPLETED);
        JobExecution e = JobLaunches.start(jobOperator, slowJob, "workers", "6");
        assertThat(e.getStatus()).as(e.getExitStatus().getExitDescription()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(e.getStepExecutions().stream().filter(s -> s.getStepName().startsWith("slow.slides:partition")).count())
            .isEqualTo(6);
        assertThat(slides.countStepStatuses("slow", e.getId())).isEqualTo(6);
    }
}
