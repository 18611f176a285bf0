package org.slidebatch.store;

import java.time.Instant;

/** The compute passport of one step execution (SPEC §1). */
public record ComputePassport(
    long stepExecutionId,
    long jobExecutionId,
    String jobName,
    String stepName,
    String status,
    String host,
    String os,
    String cpuModel,
    int cpuCores,
    long ramBytes,
    String gpu,
    String jvm,
    String libraryVersions,
    String projectVersion,
    String gitCommit,
    String jobParameters,
    String parametersHash,
    Instant startedAt,
    Instant endedAt,
    double wallSeconds,
    double cpuSeconds,
    long peakHeapBytes,
    long peakRssBytes,
    long itemsIn,
    long itemsOut,
    long itemsSkipped,
    double throughputPerSecond,
    long pid,
    String notes) {
}
