package org.slidebatch.batch;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidebatch.store.ComputePassport;
import org.slidebatch.store.PassportStore;
import org.slidebatch.workspace.AtomicFiles;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.SerializationFeature;

/**
 * Records the compute passport of every step execution (SPEC §1) in the database and as JSON in the
 * stage's folder: host, hardware, versions, parameters and their hash, times, CPU, memory, counts, throughput.
 */
public class PassportListener implements StepExecutionListener {

    /** The sub-folder of a stage folder that holds its steps' passports (not one of the stage's outputs, e.g. a tag). */
    public static final String FOLDER = "passports";


    private static final Logger log = LoggerFactory.getLogger(PassportListener.class);
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** Set by a remote worker around a partition it runs: which worker (host, pid, queue) ran it, for the passport. */
    public static final ThreadLocal<String> WORKER = new ThreadLocal<>();

    /** Step execution context key whose text goes into the passport (weights used, self-test figures). */
    public static final String NOTES = "passport.notes";

    private final PassportStore store;
    private final Workspace workspace;
    private final String stageFolder;
    private long cpuAtStart;
    private org.slidebatch.slide.ReadStats.Snapshot readsAtStart = org.slidebatch.slide.ReadStats.global().snapshot();

    public PassportListener(PassportStore store, Workspace workspace, String stageFolder) {
        this.store = store;
        this.workspace = workspace;
        this.stageFolder = stageFolder;
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        cpuAtStart = HostFacts.processCpuNanos();
        readsAtStart = org.slidebatch.slide.ReadStats.global().snapshot();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution se) {
        try {
            ComputePassport p = passport(se);
            store.save(p);
            Path json = workspace.stage(stageFolder).resolve(FOLDER)
                .resolve(String.format("%s-%d.json", se.getStepName(), se.getId()));
            AtomicFiles.writeString(json, JSON.writeValueAsString(p) + "\n");
        } catch (Exception e) {
            // A passport failure must not turn a finished step into a failed one; say it loudly instead.
            log.error("could not record the compute passport of step {}: {}", se.getStepName(), e.toString());
        }
        return se.getExitStatus();
    }

    ComputePassport passport(StepExecution se) {
        HostFacts h = HostFacts.current();
        Instant start = toInstant(se.getStartTime());
        Instant end = Instant.now();
        double wall = start == null ? 0 : Duration.between(start, end).toNanos() / 1e9;
        long cpuNow = HostFacts.processCpuNanos();
        double cpu = cpuAtStart < 0 || cpuNow < 0 ? -1 : (cpuNow - cpuAtStart) / 1e9;
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        String params = parameters(se);
        long out = se.getWriteCount();
        return new ComputePassport(se.getId(), se.getJobExecutionId(), se.getJobExecution().getJobInstance().getJobName(),
            se.getStepName(), se.getStatus().toString(), h.host(), h.os(), h.cpuModel(), h.cpuCores(), h.ramBytes(),
            h.gpu(), h.jvm(), h.libraryVersions().toString(), h.projectVersion(), h.gitCommit(), params, sha256(params),
            start, end, wall, cpu, peakHeap, HostFacts.peakRssBytes(), se.getReadCount(), out,
            se.getSkipCount() + se.getFilterCount(), wall > 0 ? out / wall : 0, ProcessHandle.current().pid(),
            worker(notes(se.getExecutionContext().containsKey(NOTES) ? se.getExecutionContext().getString(NOTES) : null)));
    }

    private static String worker(String notes) {
        String w = WORKER.get();
        return w == null ? notes : notes == null ? w : w + "; " + notes;
    }

    /** The step's notes plus how its region reads were served (JVM-wide counts over the step's lifetime). */
    private String notes(String stepNotes) {
        org.slidebatch.slide.ReadStats.Snapshot reads = org.slidebatch.slide.ReadStats.global().snapshot().minus(readsAtStart);
        if (reads.isEmpty()) {
            return stepNotes;
        }
        return stepNotes == null ? reads.describe() : stepNotes + "; " + reads.describe();
    }

    static String parameters(StepExecution se) {
        Map<String, String> sorted = new TreeMap<>();
        for (JobParameter<?> p : se.getJobParameters().parameters()) {
            sorted.put(p.name(), String.valueOf(p.value()));
        }
        return JSON.writeValueAsString(sorted);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Instant toInstant(LocalDateTime t) {
        return t == null ? null : t.atZone(ZoneId.systemDefault()).toInstant();
    }
}
