package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.jerolba.carpet.CarpetReader;
import com.jerolba.carpet.FieldMatchingStrategy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.manifest.ManifestRow;
import org.slidebatch.manifest.ManifestStepConfiguration;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.ScanIssue;
import org.slidebatch.store.ScanIssueStore;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.support.TestCohorts;
import org.slidebatch.synth.SyntheticCohort;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The manifest job end to end on generated slides plus the real and edge-case test slides (H2 file database). */
@SpringBootTest(classes = SlidebatchApplication.class)
class ManifestJobFunctionalTests {

    @TempDir
    static Path tmp;
    static Path cohort;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("manifestJob")
    Job manifestJob;

    @Autowired
    SlideStore slides;

    @Autowired
    PassportStore passports;

    @Autowired
    ScanIssueStore scanIssues;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), 10, 5);
    }

    JobExecution run(String roots, String... extra) throws Exception {
        JobParametersBuilder b = new JobParametersBuilder().addString("roots", roots).addLong("run.id", System.nanoTime());
        for (int i = 0; i < extra.length; i += 2) {
            b.addString(extra[i], extra[i + 1]);
        }
        return jobOperator.start(manifestJob, b.toJobParameters());
    }

    @Test
    void recordsEverySlideWithAReasonAndWritesOutputs() throws Exception {
        Path testdata = TestCohorts.testdata();
        Path overrides = tmp.resolve("mpp.csv");
        Files.writeString(overrides, "slide_id,mpp\npyslide_CropBreastSlide,0.25\n");
        String roots = cohort + "," + testdata.resolve("slides") + "," + testdata.resolve("edge");
        JobExecution e = run(roots, "mpp_csv", overrides.toString());
        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);

        long instance = e.getJobInstanceId();
        Map<String, SlideRecord> byId = slides.findByManifestInstance(instance).stream()
            .collect(Collectors.toMap(SlideRecord::slideId, Function.identity()));
        assertThat(byId).hasSize(10 + 2 + 5);
        assertThat(byId.get("CMU-1-Small-Region").status()).isEqualTo(SlideRecord.OK);
        assertThat(byId.get("CMU-1-Small-Region").mppX()).isEqualTo(0.499);
        assertThat(byId.get("CMU-1-Small-Region").vendor()).isEqualTo("aperio");
        assertThat(byId.get("CMU-1-Small-Region").cancerCode()).isEqualTo("UNKNOWN");
        assertThat(byId.get("pyslide_CropBreastSlide").mppX()).isEqualTo(0.25);
        assertThat(byId.get("pyslide_CropBreastSlide").mppSource()).isEqualTo("override-csv");
        assertThat(byId.get("pyslide_CropBreastSlide").levelCount()).isEqualTo(6);
        assertThat(byId.get("openslide-python_small").status()).isEqualTo(SlideRecord.OK);
        assertThat(byId.get("openslide-python_boxes").status()).isEqualTo(SlideRecord.OK);
        assertThat(byId.get("openslide-python_boxes").mppMissing()).isTrue();
        assertThat(byId.get("openslide-python_unreadable").status()).isEqualTo(SlideRecord.UNREADABLE);
        assertThat(byId.get("openslide-python_unreadable").error()).isNotBlank();
        assertThat(byId.get("openslide-python_unopenable").status()).isEqualTo(SlideRecord.UNOPENABLE);
        assertThat(byId.get("openslide-python_unopenable").error()).contains("Unsupported TIFF compression");
        assertThat(byId.get("openslide-python_boxes_0").status()).isEqualTo(SlideRecord.UNSUPPORTED_FORMAT);
        assertThat(byId.get("openslide-python_boxes_0").error()).startsWith("DICOM WSI (.dcm) is not a format OpenSlide 3.4")
            .contains("DICOM whole-slide images need OpenSlide 4.0 or newer");
        List<SlideRecord> synthetic = byId.values().stream().filter(r -> r.slideId().startsWith("syn-")).toList();
        assertThat(synthetic).allMatch(SlideRecord::isOk);
        assertThat(synthetic).allMatch(r -> r.fingerprint().startsWith("QSHA1:"));
        assertThat(synthetic).anyMatch(SlideRecord::mppMissing).anyMatch(r -> !r.mppMissing());
        assertThat(synthetic).extracting(SlideRecord::cancerCode).containsOnly(SyntheticCohort.CANCER_CODES);

        Path ws = tmp.resolve("ws");
        List<String> csv = Files.readAllLines(ws.resolve("manifest/manifest.csv"));
        assertThat(csv.getFirst()).startsWith("slide_id,path,cancer_code,fingerprint")
            .contains("vendor", "width", "height", "level_count", "mpp_x", "mpp_y", "objective_power", "status", "error");
        assertThat(csv).hasSize(18);
        assertThat(Files.readAllLines(ws.resolve("manifest/failed-slides.csv"))).hasSize(4);
        File parquet = ws.resolve("manifest/manifest.parquet").toFile();
        List<ManifestRow> rows = new CarpetReader<>(parquet, ManifestRow.class)
            .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList();
        assertThat(rows).hasSize(17);
        assertThat(rows).extracting(ManifestRow::slideId).isSorted();
        for (String fig : new String[] {"manifest_size_distribution.png", "manifest_counts_by_cancer.png",
            "manifest_mpp_availability.png", "manifest_wh_log_distribution.png"}) {
            byte[] png = Files.readAllBytes(ws.resolve("figures").resolve(fig));
            assertThat(png).hasSizeGreaterThan(1000);
            assertThat(new String(png, 1, 3)).isEqualTo("PNG");
        }
        assertThat(passports.findByJobExecution(e.getId()))
            .extracting(p -> p.stepName())
            .containsExactly(ManifestStepConfiguration.SCAN_STEP, ManifestStepConfiguration.RECORD_STEP,
                ManifestStepConfiguration.EXPORT_STEP);
        var record = passports.findByJobExecution(e.getId()).get(1);
        assertThat(record.itemsIn()).isEqualTo(17);
        assertThat(record.cpuCores()).isPositive();
        assertThat(record.libraryVersions()).contains("openslide=3.4");
        assertThat(record.jobParameters()).contains("roots");
        assertThat(record.parametersHash()).hasSize(64);
        assertThat(ws.resolve("manifest/passports")).isDirectoryContaining("glob:**manifest.record-*.json");
        assertThat(passports.findOwner(e.getId())).get().extracting(PassportStore.ExecutionOwner::pid)
            .isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void aChangedFileLosesItsDownstreamStatusSoLaterStagesRedoIt() throws Exception {
        Path dir = tmp.resolve("changing");
        TestCohorts.small(dir, 3, 99);
        assertThat(run(dir.toString()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        List<SlideRecord> before = slides.findAll().stream().filter(r -> r.path().startsWith(dir.toString())).toList();
        for (SlideRecord r : before) {
            slides.saveStepStatus(new SlideStepStatus(r.slideId(), "qc.metrics", SlideStepStatus.DONE, null, r.fingerprint(),
                null, null, Instant.now()));
        }
        SlideRecord victim = before.getFirst();
        // Same path, new content.
        Files.delete(Path.of(victim.path()));
        SyntheticCohort.write(tmp.resolve("other"), new SyntheticCohort.Options(1, 1234, 600, 600, 1), null);
        try (var s = Files.walk(tmp.resolve("other"))) {
            Path replacement = s.filter(p -> p.toString().endsWith(".svs") || p.toString().endsWith(".tiff")).findFirst().orElseThrow();
            Files.copy(replacement, Path.of(victim.path()));
        }
        assertThat(run(dir.toString()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(slides.find(victim.slideId()).orElseThrow().fingerprint()).isNotEqualTo(victim.fingerprint());
        List<SlideStepStatus> qc = slides.findStepStatuses().stream().filter(s -> s.stepName().equals("qc.metrics")).toList();
        assertThat(qc).extracting(SlideStepStatus::slideId).doesNotContain(victim.slideId())
            .contains(before.get(1).slideId(), before.get(2).slideId());
    }

    @Test
    void aMessyFolderLosesNothingQuietly() throws Exception {
        Path gen = TestCohorts.small(tmp.resolve("messy-src"), 3, 42);
        List<Path> made;
        try (var s = Files.walk(gen)) {
            made = s.filter(p -> p.toString().endsWith(".svs") || p.toString().endsWith(".tiff")).sorted().toList();
        }
        Path root = tmp.resolve("messy");
        Path first = root.resolve("a/x.svs");
        Path second = root.resolve("b/x.tiff");
        Files.createDirectories(first.getParent());
        Files.createDirectories(second.getParent());
        Files.copy(made.get(0), first);
        Files.copy(made.get(1), second);
        Path linked = Files.createSymbolicLink(root.resolve("a/linked.svs"), made.get(2));
        Path loop = Files.createSymbolicLink(root.resolve("b/up"), root);
        Path qptiff = root.resolve("c.qptiff");
        Files.writeString(qptiff, "a multiplex image OpenSlide 3.4.1 does not read");

        JobExecution e = run(root.toString());
        assertThat(e.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Map<String, SlideRecord> byId = slides.findByManifestInstance(e.getJobInstanceId()).stream()
            .collect(Collectors.toMap(SlideRecord::slideId, Function.identity()));
        assertThat(byId).containsOnlyKeys("x", "linked", "c");
        assertThat(byId.get("x").path()).isEqualTo(first.toString());
        assertThat(byId.get("x").status()).isEqualTo(SlideRecord.OK);
        assertThat(byId.get("linked").status()).isEqualTo(SlideRecord.OK);
        assertThat(byId.get("c").status()).isEqualTo(SlideRecord.UNSUPPORTED_FORMAT);
        assertThat(scanIssues.findByManifestInstance(e.getJobInstanceId())).containsExactly(
            new ScanIssue(loop.toString(), null, ScanIssue.SYMLINK_LOOP,
                "link back to its own ancestor folder " + root + "; not followed again"),
            new ScanIssue(second.toString(), "x", ScanIssue.DUPLICATE_ID, "slide id 'x' is already used by " + first
                + " (the first in path order keeps it; rename one file to keep both)"));
        assertThat(scanIssues.findCurrent()).extracting(ScanIssue::path).contains(second.toString(), loop.toString());

        List<String> failed = Files.readAllLines(tmp.resolve("ws/manifest/failed-slides.csv"));
        assertThat(failed).hasSize(4);
        assertThat(failed.get(1)).startsWith("c," + qptiff + ",unsupported_format,Akoya/PerkinElmer QPTIFF (.qptiff) is not a format");
        assertThat(failed.get(2)).startsWith("," + loop + ",symlink_loop,");
        assertThat(failed.get(3)).isEqualTo("x," + second + ",duplicate_id,slide id 'x' is already used by " + first
            + " (the first in path order keeps it; rename one file to keep both)");
        assertThat(Files.readAllLines(tmp.resolve("ws/manifest/manifest.csv"))).hasSize(4);
        assertThat(linked).isSymbolicLink();
    }

    @Test
    void missingRootsIsRejectedBeforeAnythingRuns() {
        assertThatThrownBy(() -> jobOperator.start(manifestJob, new JobParametersBuilder().addLong("run.id", 1L).toJobParameters()))
            .isInstanceOf(InvalidJobParametersException.class).hasMessageContaining("roots");
    }
}
