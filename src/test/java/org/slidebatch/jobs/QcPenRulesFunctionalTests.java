package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.QcRow;
import org.slidebatch.store.StageResultStore;
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
 * The qc job's pen rules on the real H&amp;E test slides: with the defaults (ink colours) no slide is excluded for
 * pen; with {@code jobs-config/qc-openslidefm.properties} (OpenSlideFM's hue rule) both are, as OpenSlideFM does.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
class QcPenRulesFunctionalTests {

    @TempDir
    static Path tmp;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("qcJob")
    Job qcJob;

    @Autowired
    StageResultStore results;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void needsOpenSlide() {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
    }

    @Test
    void defaultsKeepTheHeSlidesAndTheOpenSlideFmConfigExcludesThemForPen() throws Exception {
        Path testdata = TestCohorts.testdata();
        assumeTrue(testdata != null, "test slides not found (slidebatch.testdata)");
        String roots = testdata.resolve("slides").toString();
        List<String> he = List.of("CMU-1-Small-Region", "pyslide_CropBreastSlide");

        JobExecution defaults = JobLaunches.start(jobOperator, qcJob, "roots", roots, "workers", "1");
        assertThat(defaults.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        List<QcRow> rows = results.findQc(he);
        assertThat(rows).hasSize(2).allSatisfy(r -> {
            assertThat(r.reasons()).as(r.slideId()).doesNotContain("pen");
            assertThat(r.penPct()).as(r.slideId()).isLessThanOrEqualTo(0.02);
            assertThat(r.thresholds()).contains("pen_rules=green,blue,black");
        });

        Properties osfm = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("jobs-config", "qc-openslidefm.properties"))) {
            osfm.load(in);
        }
        assertThat(osfm.getProperty("pen_rules")).isEqualTo("openslidefm");
        List<String> kv = new ArrayList<>(List.of("roots", roots, "workers", "1"));
        for (String key : osfm.stringPropertyNames()) {
            kv.add(key);
            kv.add(osfm.getProperty(key));
        }
        JobExecution fidelity = JobLaunches.start(jobOperator, qcJob, kv.toArray(String[]::new));
        assertThat(fidelity.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(results.findQc(he)).hasSize(2).allSatisfy(r -> {
            assertThat(r.excluded()).as(r.slideId()).isTrue();
            assertThat(r.reasons()).as(r.slideId()).isEqualTo("pen>0.02");
        });
    }
}
