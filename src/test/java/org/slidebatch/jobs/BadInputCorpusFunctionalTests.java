package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.slide.TestSlides;
import org.slidebatch.store.ScanIssue;
import org.slidebatch.store.ScanIssueStore;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.support.RepositoryQueries;
import org.slidebatch.synth.BadInputCorpus;
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
 * The bad-input corpus: every kind of broken file a scanner room produces, generated here, run through the
 * openslidefm chain's early steps (manifest → qc → tile, then segment). Each file gets exactly one clear row (its
 * status and reason, in the database, {@code failed-slides.csv} and {@code slides}), the runs complete, and the good
 * slides beside them are processed as if they were alone. Labels and weights files, the chain's other inputs, are
 * refused naming the file and the reason.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
@org.springframework.test.annotation.DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusFunctionalTests {

    @TempDir
    static Path tmp;
    static Path root;
    static Path c;
    static List<Path> src;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("qcJob")
    Job qcJob;

    @Autowired
    @Qualifier("tileJob")
    Job tileJob;

    @Autowired
    @Qualifier("segmentJob")
    Job segmentJob;

    @Autowired
    @Qualifier("featuresJob")
    Job featuresJob;

    @Autowired
    @Qualifier("evaluateJob")
    Job evaluateJob;

    @Autowired
    SlideStore slides;

    @Autowired
    javax.sql.DataSource dataSource;

    @Autowired
    ScanIssueStore scanIssues;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void corpus() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        src = BadInputCorpus.sources(tmp.resolve("src"), 16, 3);
        List<Path> svs = src.stream().filter(p -> p.toString().endsWith(".svs")).toList();
        Path tiff = src.stream().filter(p -> p.toString().endsWith(".tiff")).findFirst().orElseThrow();
        root = tmp.resolve("corpus");
        c = Files.createDirectories(root.resolve("c"));
        Path edge = TestSlides.testdata().resolve("edge");
        Files.copy(svs.get(0), c.resolve("good-1.svs"));
        Files.copy(svs.get(1), c.resolve("good-2.svs"));
        Files.write(c.resolve("zero-byte.svs"), new byte[0]);
        BadInputCorpus.truncated(svs.get(2), c.resolve("truncated.svs"), 40);
        Files.copy(edge.resolve("openslide-python_unreadable.svs"), c.resolve("unreadable-tiles.svs"));
        Files.copy(edge.resolve("openslide-python_unopenable.tiff"), c.resolve("unopenable.tiff"));
        Files.copy(edge.resolve("openslide-python_boxes_0.dcm"), c.resolve("dicom.dcm"));
        Files.writeString(c.resolve("multiplex.qptiff"), "a multiplex image OpenSlide 3.4.1 does not read");
        Files.writeString(c.resolve("zeiss.czi"), "ZISRAWFILE");
        Files.writeString(c.resolve("notes.txt"), "not a slide: the scan does not pick it up");
        Files.copy(tiff, c.resolve("no-mpp.tiff"));
        BadInputCorpus.singleLevel(c.resolve("huge-single-level.svs"), 10240, 10240, 0.25);
        Files.copy(svs.get(3), c.resolve("dup-a.svs"));
        Files.copy(svs.get(3), c.resolve("dup-b.svs"));
        Files.copy(svs.get(4), c.resolve("schnitt-äöü-病理.svs"));
        Files.copy(svs.get(5), c.resolve("with  spaces .svs"));
        Files.copy(svs.get(6), c.resolve("line\nbreak.svs"));
        Files.copy(svs.get(7), c.resolve("changed.svs"));
        Files.copy(svs.get(8), c.resolve("deleted.svs"));
        Files.createSymbolicLink(c.resolve("loop"), root);
        Files.createSymbolicLink(c.resolve("dangling.svs"), tmp.resolve("nothing-here.svs"));
    }

    long executionCount() {
        return org.springframework.jdbc.core.simple.JdbcClient.create(dataSource).sql("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION")
            .query(Long.class).single();
    }

    /** One line per slide: manifest status and reason, then each step's status and (when not done) its reason. */
    Map<String, String> table() {
        Map<String, String> out = new TreeMap<>();
        for (SlideRecord r : slides.findAll()) {
            StringBuilder sb = new StringBuilder(r.status());
            if (r.error() != null) {
                sb.append(" (").append(r.error().replace(tmp.toString(), "TMP")).append(')');
            }
            for (String step : List.of("qc", "tile", "segment")) {
                SlideStepStatus st = slides.findStepStatus(r.slideId(), step).orElse(null);
                sb.append(" | ").append(step).append('=').append(st == null ? "-" : st.status());
                if (st != null && !SlideStepStatus.DONE.equals(st.status()) && !SlideStepStatus.EXCLUDED.equals(st.status())) {
                    sb.append(" (").append(st.reason().replace(tmp.toString(), "TMP")).append(')');
                }
            }
            out.put(r.slideId(), sb.toString());
        }
        return out;
    }

    @Test
    @Order(1)
    void everyBadFileGetsOneClearRowAndTheGoodSlidesAreProcessed() throws Exception {
        JobExecution qc = JobLaunches.start(jobOperator, qcJob, "roots", root.toString(), "workers", "2");
        assertThat(qc.getStatus()).as(qc.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);
        JobExecution tile = JobLaunches.start(jobOperator, tileJob, "qc_policy", "none", "workers", "2");
        assertThat(tile.getStatus()).as(tile.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);

        // Between runs: one file is replaced by another slide, one is deleted.
        Files.copy(src.stream().filter(p -> p.toString().endsWith(".svs")).toList().get(9), c.resolve("changed.svs"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(c.resolve("deleted.svs"));
        JobExecution seg = JobLaunches.start(jobOperator, segmentJob, "preset", "clam-tcga", "a_t", "0",
            "qc_policy", "none", "workers", "2");
        assertThat(seg.getStatus()).as(seg.getAllFailureExceptions().toString()).isEqualTo(BatchStatus.COMPLETED);

        // 19 files with a slide extension, 2 links the scan cannot follow; notes.txt is not a slide and is not picked up.
        Map<String, String> expected = new TreeMap<>();
        expected.put("changed", "ok | qc=excluded | tile=done | segment=failed (file changed since the manifest recorded it: TMP/corpus/c/changed.svs is 66204 bytes, the manifest recorded 34984 (fingerprint QSHA1:e6a057599ecb27afbd80dfe0f864cbdd44ceea35); run the manifest again)");
        expected.put("deleted", "ok | qc=done | tile=skipped (no tissue tiles (coverage ≥ 0.3) at any scale) | segment=failed (file deleted since the manifest recorded it: TMP/corpus/c/deleted.svs (run the manifest again))");
        expected.put("dicom", "unsupported_format (DICOM WSI (.dcm) is not a format OpenSlide 3.4.1 reads (DICOM whole-slide images need OpenSlide 4.0 or newer; this is OpenSlide 3.4.1); convert it to a pyramidal TIFF to use it) | qc=- | tile=- | segment=-");
        expected.put("dup-a", "ok | qc=excluded | tile=done | segment=done");
        expected.put("dup-b", "duplicate_content (same content as slide 'dup-a' (TMP/corpus/c/dup-a.svs, fingerprint QSHA1:489b5bae7ea09f4fd5f7a066b3b4d711ee6f1cb7); only 'dup-a' is used (remove one copy, or change one if they are different slides)) | qc=- | tile=- | segment=-");
        expected.put("good-1", "ok | qc=excluded | tile=done | segment=done");
        expected.put("good-2", "ok | qc=done | tile=done | segment=done");
        expected.put("huge-single-level", "ok | qc=excluded | tile=skipped (no tissue tiles (coverage ≥ 0.3) at any scale) | segment=skipped (slide huge-single-level: segmentation level 0 is 10240 x 10240 = 104857600 pixels, more than CLAM's limit of 1e8 (100,000,000); choose a coarser seg_level or a slide with a lower-resolution pyramid level)");
        expected.put("line\nbreak", "ok | qc=excluded | tile=done | segment=done");
        expected.put("multiplex", "unsupported_format (Akoya/PerkinElmer QPTIFF (.qptiff) is not a format OpenSlide 3.4.1 reads (not a slide format OpenSlide 3.4.1 recognises); convert it to a pyramidal TIFF to use it) | qc=- | tile=- | segment=-");
        expected.put("no-mpp", "ok | qc=excluded | tile=skipped (mpp_missing: no µm/px in the file or the override CSV; give assume_mpp=… to tile it anyway) | segment=done");
        expected.put("schnitt-äöü-病理", "ok | qc=excluded | tile=done | segment=done");
        expected.put("truncated", "unopenable (not a slide format OpenSlide 3.4.1 recognises; the file has a TIFF header but is truncated: its first directory is at byte 38608, past the end of the file (15512 bytes)) | qc=- | tile=- | segment=-");
        expected.put("unopenable", "unopenable (OpenSlide: Unsupported TIFF compression: 52479) | qc=- | tile=- | segment=-");
        expected.put("unreadable-tiles", "unreadable (OpenSlide error while reading region RegionRequest[x=8, y=8, level=0, width=16, height=16]: Bogus marker length) | qc=- | tile=- | segment=-");
        expected.put("with  spaces ", "ok | qc=excluded | tile=done | segment=done");
        expected.put("zeiss", "unsupported_format (Zeiss CZI (.czi) is not a format OpenSlide 3.4.1 reads (not a slide format OpenSlide 3.4.1 recognises); convert it to a pyramidal TIFF to use it) | qc=- | tile=- | segment=-");
        expected.put("zero-byte", "unopenable (empty file (0 bytes)) | qc=- | tile=- | segment=-");
        assertThat(table()).containsExactlyEntriesOf(expected);
        assertThat(scanIssues.findCurrent()).containsExactlyInAnyOrder(
            new ScanIssue(c.resolve("dangling.svs").toString(), "dangling", ScanIssue.BROKEN_LINK, "symbolic link to nothing: no such file"),
            new ScanIssue(c.resolve("loop").toString(), null, ScanIssue.SYMLINK_LOOP,
                "link back to its own ancestor folder " + root + "; not followed again"));
        // The same rows in the manifest's failed list.
        List<String> failed = Files.readAllLines(tmp.resolve("ws/manifest/failed-slides.csv"));
        assertThat(failed).hasSize(1 + 8 + 2);
        assertThat(failed).contains("zero-byte," + c.resolve("zero-byte.svs") + ",unopenable,empty file (0 bytes)");
        // Good slides beside the corpus and the odd names: every step done.
        assertThat(tmp.resolve("ws/tissue/good-2.geojson")).isRegularFile();
        assertThat(tmp.resolve("ws/tissue/line\nbreak.geojson")).isRegularFile();
        assertThat(tmp.resolve("ws/tiles/0.5/schnitt-äöü-病理.parquet")).isRegularFile();
    }

    @Test
    @Order(2)
    void withStrictLabelsALabelsFileWithAnUnknownSlideAMissingLabelOrBadEncodingIsRefusedNamingFileAndLine() throws Exception {
        Path emb = Files.createDirectories(tmp.resolve("embeddings"));
        List<String> ids = List.of("good-1", "good-2", "dup-a", "line-x", "changed", "huge");
        for (int i = 0; i < ids.size(); i++) {
            float[] v = new float[8];
            v[i % 8] = 1;
            org.slidebatch.model.Npy.writeFloat32(emb.resolve(ids.get(i) + ".npy"), v, 8);
        }
        List<String> good = new ArrayList<>(List.of("slide_id,label,note"));
        for (int i = 0; i < ids.size(); i++) {
            good.add(ids.get(i) + "," + (i % 2) + ",ok");
        }
        Path unknown = tmp.resolve("labels-unknown.csv");
        List<String> rows = new ArrayList<>(good);
        rows.add("ghost,1,no such slide");
        Files.write(unknown, rows);
        Path missing = tmp.resolve("labels-missing.csv");
        rows = new ArrayList<>(good);
        rows.set(3, "dup-a,,label forgotten");
        Files.write(missing, rows);
        Path latin1 = tmp.resolve("labels-latin1.csv");
        rows = new ArrayList<>(good);
        rows.set(2, "good-2,1,Gewebe ü");
        Files.write(latin1, String.join("\n", rows).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        Map<Path, String> expected = Map.of(
            unknown, unknown + " line 8: unknown slide 'ghost' (no ghost.npy in " + emb + ")",
            missing, missing + " line 4: missing label (column 'label') for 'dup-a'",
            latin1, latin1 + " line 3: not UTF-8 text (byte 0xFC at offset 48); save the file as UTF-8");
        for (var e : expected.entrySet()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobLaunches.start(jobOperator, evaluateJob,
                    "labels", e.getKey().toString(), "embeddings", emb.toString(), "protocol", "binary-cv", "folds", "2",
                    "strict_labels", "true")) // by default such rows are left out with their reason (EvaluateJobFunctionalTests)
                .isInstanceOf(org.springframework.batch.core.job.parameters.InvalidJobParametersException.class)
                .hasMessage(e.getValue());
        }
    }

    @Test
    @Order(3)
    void aTruncatedOrWrongModelWeightsFileIsRefusedBeforeTheFeaturesJobStartsNamingTheFileAndNothingElseIsLost() throws Exception {
        Map<String, String> before = table();
        long executions = executionCount();
        Path wrong = tmp.resolve("aggregator.safetensors");
        Map<String, org.slidebatch.model.SafeTensors.Tensor> t = new java.util.LinkedHashMap<>();
        t.put("pos.proj.0.weight", new org.slidebatch.model.SafeTensors.Tensor(new long[] {4, 2}, new float[8]));
        t.put("student.blocks.0.attn.qkv.weight", new org.slidebatch.model.SafeTensors.Tensor(new long[] {6, 2}, new float[12]));
        org.slidebatch.model.SafeTensors.write(wrong, t, "F32", null);
        Path cut = tmp.resolve("cut.safetensors");
        byte[] all = Files.readAllBytes(wrong);
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 40));
        for (Path w : List.of(cut, wrong)) {
            assertThatThrownBy(() -> JobLaunches.start(jobOperator, featuresJob, "weights", w.toString(), "selftest", "off"))
                .isInstanceOf(org.springframework.batch.core.job.parameters.InvalidJobParametersException.class)
                .hasMessageContaining(w == cut
                    ? "not a valid safetensors file: " + cut + ": tensor 'student.blocks.0.attn.qkv.weight' has data_offsets [32, 80] outside the 40-byte data section"
                    : "weights file " + wrong + " is not a ConvNeXt-Tiny state dict with timm or torchvision key names");
        }
        assertThat(executionCount()).as("no job execution was created").isEqualTo(executions);
        assertThat(table()).isEqualTo(before);
    }

    @Test
    @Order(4)
    void aFileOrFolderWithoutReadPermissionGetsARowAndTheRunGoesOn() throws Exception {
        Path locked = Files.createDirectories(tmp.resolve("locked-root/c"));
        List<Path> svs = src.stream().filter(p -> p.toString().endsWith(".svs")).toList();
        Files.copy(svs.get(10), locked.resolve("readable.svs"));
        Path file = Files.copy(svs.get(11), locked.resolve("no-read.svs"));
        Path dir = Files.createDirectories(locked.resolve("no-list"));
        Files.copy(svs.get(12), dir.resolve("inside.svs"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("---------"));
        Path ws = tmp.resolve("ws-permissions");
        try (CliProcess p = CliProcess.start(CliProcess.withoutRootFileAccess(), List.of(), "384m", Map.of(), 0,
                "--workspace", ws.toString(), "run", "manifest", "--param", "roots=" + locked.getParent())) {
            assertThat(p.waitFor(Duration.ofMinutes(3))).as(p.output()).isZero();
            RepositoryQueries db = new RepositoryQueries(ws);
            assertThat(db.strings("SELECT slide_id || ' ' || status || ' ' || COALESCE(error, '') FROM slide ORDER BY slide_id"))
                .containsExactly("no-read unreadable cannot read file: permission denied", "readable ok ");
            assertThat(db.strings("SELECT kind || ' ' || path || ' ' || reason FROM scan_issue"))
                .containsExactly("unreadable_folder " + dir + " cannot list folder: permission denied");
            assertThat(Files.readAllLines(ws.resolve("manifest/failed-slides.csv"))).containsExactly(
                "slide_id,path,status,error",
                "no-read," + file + ",unreadable,cannot read file: permission denied",
                "," + dir + ",unreadable_folder,cannot list folder: permission denied");
        } finally {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
