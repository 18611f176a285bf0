package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.QcRow;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.store.StageResultStore;
import org.slidebatch.store.TissueRow;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.support.TestCohorts;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The qc and segment jobs end to end on generated slides and the real test slides. */
@SpringBootTest(classes = SlidebatchApplication.class)
class StageJobsFunctionalTests {

    @TempDir
    static Path tmp;
    static Path cohort;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("qcJob")
    Job qcJob;

    @Autowired
    @Qualifier("segmentJob")
    Job segmentJob;

    @Autowired
    SlideStore slides;

    @Autowired
    StageResultStore results;

    @Autowired
    org.slidebatch.store.PassportStore passports;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), 8, 23);
    }

    JobExecution run(Job job, String... kv) throws Exception {
        return JobLaunches.start(jobOperator, job, kv);
    }

    @Test
    void qcThenSegmentOnGeneratedAndRealSlides() throws Exception {
        Path testdata = TestCohorts.testdata();
        String roots = cohort + "," + testdata.resolve("slides") + "," + testdata.resolve("edge");
        // A strict tissue threshold so that some slides are excluded and segmentation must skip them.
        JobExecution qc = run(qcJob, "roots", roots, "min_tissue_pct", "0.30", "pen_rules", "green,blue,black", "workers", "2");
        assertThat(qc.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Map<String, QcRow> qcRows = results.findQc((java.util.List<String>) null).stream().collect(Collectors.toMap(QcRow::slideId, Function.identity()));
        assertThat(qcRows).containsKeys("CMU-1-Small-Region", "pyslide_CropBreastSlide", "syn-00000");
        assertThat(qcRows).doesNotContainKeys("openslide-python_unopenable", "openslide-python_unreadable");
        Path ws = tmp.resolve("ws");
        assertThat(ws.resolve("qc/qc_metrics.parquet")).isNotEmptyFile();
        assertThat(Files.readAllLines(ws.resolve("qc/qc_metrics.csv")).size()).isEqualTo(qcRows.size() + 1);
        assertThat(ws.resolve("figures/qc_tissue_pct.png")).isNotEmptyFile();
        assertThat(ws.resolve("qc/overlays/syn-00000_overlay.png")).isNotEmptyFile();
        List<String> excluded = qcRows.values().stream().filter(QcRow::excluded).map(QcRow::slideId).toList();
        assertThat(excluded).isNotEmpty();
        for (String id : excluded) {
            SlideStepStatus st = slides.findStepStatus(id, "qc").orElseThrow();
            assertThat(st.status()).isEqualTo(SlideStepStatus.EXCLUDED);
            assertThat(st.reason()).isEqualTo(qcRows.get(id).reasons()).isNotBlank();
        }
        assertThat(excluded).anyMatch(id -> qcRows.get(id).reasons().contains("low_tissue<0.30"));
        assertThat(qcRows.values()).anyMatch(r -> !r.excluded());

        // The small generated slides are single-level: CLAM counts a_t in 512² level-0 patches, so keep every contour.
        JobExecution seg = run(segmentJob, "preset", "clam-tcga", "a_t", "0", "workers", "2");
        assertThat(seg.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Map<String, TissueRow> tissue = results.findTissue().stream().collect(Collectors.toMap(TissueRow::slideId, Function.identity()));
        for (String id : excluded) {
            SlideStepStatus st = slides.findStepStatus(id, "segment").orElseThrow();
            assertThat(st.status()).isEqualTo(SlideStepStatus.SKIPPED);
            assertThat(st.reason()).isEqualTo("excluded by QC: " + qcRows.get(id).reasons());
            assertThat(tissue).doesNotContainKey(id);
        }
        String kept = qcRows.values().stream().filter(r -> !r.excluded()).map(QcRow::slideId).findFirst().orElseThrow();
        assertThat(tissue.get(kept).contourCount()).isPositive();
        assertThat(tissue.get(kept).tissueFraction()).isBetween(0.0, 1.0);
        assertThat(ws.resolve("tissue/" + kept + ".geojson")).content().contains("\"Polygon\"");
        assertThat(ws.resolve("tissue/" + kept + ".png")).isNotEmptyFile();
        // reader=auto (the default): the segment step's reads went through the fast reader, and the passport says so
        var segmentPassport = passports.findByJobExecution(seg.getId()).stream()
            .filter(p -> p.stepName().equals("segment")).findFirst().orElseThrow();
        assertThat(segmentPassport.notes()).contains("reads: fast ").doesNotContain("reads: fast 0 ");
    }

    @Test
    void anEvenMedianKernelPresetIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> run(segmentJob, "preset", "gpfm-dhmc"))
            .isInstanceOf(InvalidJobParametersException.class)
            .hasMessageContaining("gpfm-dhmc").hasMessageContaining("mthresh");
        assertThatThrownBy(() -> run(segmentJob, "preset", "clam-tcga", "mthresh", "8"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("mthresh");
        assertThatThrownBy(() -> run(qcJob, "min_tissue_pct", "lots"))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("min_tissue_pct");
        assertThatThrownBy(() -> run(segmentJob, "reader", "libvips"))
            .isInstanceOf(InvalidJobParametersException.class)
            .hasMessageContaining("reader must be openslide, fast or auto, got 'libvips'");
    }
}
