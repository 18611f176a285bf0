package org.slidebatch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.slidebatch.store.ComputePassport;
import org.slidebatch.store.OutputFileStore;
import org.slidebatch.store.OutputFileStore.OutputFile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "trace", mixinStandardHelpOptions = true,
    description = {"Which run produced this file: the step execution, its job and parameters (hash and values), the machine",
        "(compute passport) and the input fingerprint. The bytes on disk are matched by SHA-256 against every registration."})
final class TraceCommand extends GlobalOptions implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws IOException {
        try (BatchContext ctx = openContext()) {
            List<OutputFile> all = ctx.outputFiles().findByPath(file);
            if (all.isEmpty()) {
                throw new CliException("no step registered " + file.toAbsolutePath().normalize() + " as an output");
            }
            String onDisk = Files.isRegularFile(file) ? OutputFileStore.sha256(file) : null;
            OutputFile producer = all.stream().filter(f -> f.sha256().equals(onDisk)).findFirst().orElse(null);
            System.out.printf("%s%n  on disk: %s%n", all.getFirst().path(), onDisk == null ? "missing" : "sha256 " + onDisk);
            if (producer == null) {
                System.out.println("  WARNING: the bytes on disk match no registered write (changed after the run?)");
            }
            for (OutputFile f : all) {
                boolean current = f == producer;
                var je = ctx.execution(f.jobExecutionId());
                System.out.printf("%n  %s step execution %d (%s) of job execution %d (%s, instance %d), %s%n",
                    current ? "PRODUCED BY" : "also written by", f.stepExecutionId(), f.stepName(), f.jobExecutionId(),
                    je.getJobInstance().getJobName(), je.getJobInstanceId(), f.recordedAt());
                System.out.printf("    sha256 %s, %d bytes; slide %s, input fingerprint %s%n", f.sha256(), f.bytes(),
                    f.slideId() == null ? "-" : f.slideId(), f.inputFingerprint() == null ? "-" : f.inputFingerprint());
                ComputePassport p = ctx.passports().findByStepExecution(f.stepExecutionId()).orElse(null);
                if (p == null) {
                    System.out.printf("    parameters: %s (no passport recorded for this step execution)%n",
                        RunCommand.describe(je.getJobParameters()));
                } else {
                    System.out.printf("    parameters hash %s: %s%n", p.parametersHash(), p.jobParameters());
                    System.out.printf("    machine: host %s (pid %d), %s, %d cores, GPU %s; %s; slidebatch %s (%s)%n", p.host(),
                        p.pid(), p.cpuModel(), p.cpuCores(), p.gpu(), p.jvm(), p.projectVersion(), p.gitCommit());
                    System.out.printf("    ran %s .. %s, %s%n", p.startedAt(), p.endedAt(), p.status());
                }
            }
            return 0;
        }
    }
}
