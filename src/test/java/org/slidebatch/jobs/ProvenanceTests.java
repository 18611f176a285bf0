package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.SlidebatchApplication;
import org.slidebatch.cli.SlidebatchMain;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.store.OutputFileStore;
import org.slidebatch.support.JobLaunches;
import org.slidebatch.support.TestCohorts;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Results kept per execution: segment a cohort, change one slide, segment again. Both executions' rows are present (the
 * second one current), every output file is registered with its hash and step execution, and {@code slidebatch trace}
 * names the execution that produced the bytes on disk and the one that wrote the path before.
 */
@SpringBootTest(classes = SlidebatchApplication.class)
class ProvenanceTests {

    @TempDir
    static Path tmp;
    static Path cohort;
    static Path other;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier("segmentJob")
    Job segmentJob;

    @Autowired
    OutputFileStore files;

    @Autowired
    javax.sql.DataSource dataSource;

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("slidebatch.workspace", () -> tmp.resolve("ws").toString());
    }

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), 2, 41);
        other = TestCohorts.small(tmp.resolve("other"), 2, 97);
    }

    static List<Path> slides(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".tiff") || p.toString().endsWith(".tif") || p.toString().endsWith(".svs"))
                .sorted().toList();
        }
    }

    @Test
    void aRerunOnAChangedSlideKeepsBothExecutionsRowsAndTraceNamesEachFilesExecution() throws Exception {
        String[] params = {"roots", cohort.toString(), "preset", "clam-tcga", "a_t", "0", "qc_policy", "none", "workers", "1"};
        JobExecution first = JobLaunches.start(jobOperator, segmentJob, params);
        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Path changed = slides(cohort).getFirst();
        Files.copy(slides(other).getFirst(), changed, StandardCopyOption.REPLACE_EXISTING);
        JobExecution second = JobLaunches.start(jobOperator, segmentJob, params);
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);

        JdbcClient jdbc = JdbcClient.create(dataSource);
        String slideId = jdbc.sql("SELECT slide_id FROM slide WHERE path = ?").param(changed.toAbsolutePath().toString())
            .query(String.class).single();
        List<Long> jobs = jdbc.sql("SELECT job_execution_id FROM tissue_segmentation WHERE slide_id = ? ORDER BY step_execution_id")
            .param(slideId).query(Long.class).list();
        assertThat(jobs).containsExactly(first.getId(), second.getId());
        assertThat(jdbc.sql("SELECT job_execution_id FROM tissue_segmentation WHERE slide_id = ? AND is_current = TRUE")
            .param(slideId).query(Long.class).list()).containsExactly(second.getId());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM tissue_segmentation WHERE step_execution_id = 0").query(Long.class).single()).isZero();

        Path geojson = tmp.resolve("ws/tissue").resolve(slideId + ".geojson");
        List<OutputFileStore.OutputFile> writes = files.findByPath(geojson);
        assertThat(writes).extracting(OutputFileStore.OutputFile::jobExecutionId).containsExactly(second.getId(), first.getId());
        assertThat(writes.getFirst().sha256()).isEqualTo(OutputFileStore.sha256(geojson)).isNotEqualTo(writes.get(1).sha256());
        assertThat(writes.getFirst().inputFingerprint()).isNotEqualTo(writes.get(1).inputFingerprint());
        // Every per-slide file of the second run is registered: 2 slides × (geojson + png).
        assertThat(files.findByJobExecution(second.getId())).hasSize(4);

        String trace = cli("--workspace", tmp.resolve("ws").toString(), "trace", geojson.toString());
        assertThat(trace).contains("PRODUCED BY step execution " + writes.getFirst().stepExecutionId() + " (segment) of job execution "
            + second.getId());
        assertThat(trace).contains("also written by step execution " + writes.get(1).stepExecutionId() + " (segment) of job execution "
            + first.getId());
        assertThat(trace).contains("input fingerprint " + writes.getFirst().inputFingerprint()).contains("parameters hash ")
            .contains("\"preset\" : \"clam-tcga\"").contains("machine: host ");
        String show = cli("--workspace", tmp.resolve("ws").toString(), "show", Long.toString(second.getId()));
        assertThat(show).contains("files written (4;").contains(geojson.toAbsolutePath().normalize().toString());
    }

    @Autowired
    org.springframework.batch.core.repository.JobRepository repository;

    @Autowired
    org.slidebatch.store.PassportStore passports;

    /** The owner is recorded around the creation of the execution itself (no listener involved here): claim, then row. */
    @Test
    void theOwningProcessIsRecordedWithTheExecutionItself() {
        var params = new org.springframework.batch.core.job.parameters.JobParametersBuilder().addLong("run.id", System.nanoTime())
            .toJobParameters();
        var instance = repository.createJobInstance("owner-check", params);
        var execution = repository.createJobExecution(instance, params, new org.springframework.batch.infrastructure.item.ExecutionContext());
        var owner = passports.findOwner(execution.getId()).orElseThrow();
        assertThat(owner.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(owner.processStartedAt()).isNotNull();
        assertThat(passports.findClaims(instance.getInstanceId(), execution.getId())).extracting(o -> o.pid())
            .containsExactly(ProcessHandle.current().pid());
    }

    static String cli(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(SlidebatchMain.execute(args)).as(buf.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
