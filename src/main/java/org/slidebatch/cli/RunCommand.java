package org.slidebatch.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slidebatch.jobs.JobCatalog;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobRestartException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Start a job and wait for it. Prints the execution id; exits 0 only when the job COMPLETED.",
        "Jobs: manifest, qc, segment, tile, grid, features, openslidefm, gpfm.",
        "Running the same job with the same parameters again continues a FAILED or STOPPED instance;",
        "a COMPLETED one is refused unless --new-instance is given."})
final class RunCommand extends GlobalOptions implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOB", description = "Job name.")
    String jobName;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "Job parameter (repeatable), e.g. roots=/data/slides.")
    List<String> params = List.of();

    @Option(names = "--config", paramLabel = "FILE.properties",
        description = "Job parameters from a properties file (e.g. jobs-config/manifest.properties); --param wins over it.")
    java.nio.file.Path config;

    @Option(names = "--new-instance", description = "Add a fresh run.id so the same parameters start a new job instance.")
    boolean newInstance;

    @Override
    public Integer call() {
        if (!JobCatalog.isKnown(jobName)) {
            throw new CliException("unknown job '" + jobName + "'; jobs are " + String.join(", ", JobCatalog.implemented())
                + (JobCatalog.planned().isEmpty() ? "" : "; planned, not implemented yet: " + String.join(", ", JobCatalog.planned())), 2);
        }
        if (!JobCatalog.isImplemented(jobName)) {
            throw new CliException(JobCatalog.notImplementedMessage(jobName), 1);
        }
        JobParameters parameters = parameters(withConfig(config, params), newInstance);
        RemoteChecks.beforeLaunch(parameters, brokerConfigured());
        try (BatchContext ctx = openContext()) {
            Job job = ctx.job(jobName);
            RemoteChecks.repository(parameters, ctx);
            var instance = ctx.jobRepository().getJobInstance(jobName, parameters);
            if (instance != null && ctx.jobRepository().getJobExecutions(instance).isEmpty()) {
                // A kill between the creation of the instance and of its first execution leaves an instance Spring Batch
                // will neither start nor restart ("cannot find any job execution"): it holds no work, so remove it.
                System.out.println("[slidebatch] job instance " + instance.getInstanceId()
                    + " was left without an execution by a crash; removing it and starting afresh");
                ctx.jobRepository().deleteJobInstance(instance);
            }
            JobExecution last = ctx.jobRepository().getLastJobExecution(jobName, parameters);
            if (last != null && last.getStatus() == BatchStatus.UNKNOWN) {
                throw new CliException("execution " + last.getId() + " of this job instance was left UNKNOWN (crash or lost "
                    + "database connection); check and continue it with: slidebatch restart " + last.getId(), 3);
            }
            if (last != null && last.getStatus().isRunning()) {
                var owner = ctx.passports().findOwner(last.getId());
                if (ExecutionOwners.liveness(owner, ctx.passports().findClaims(last.getJobInstanceId(), last.getId()))
                    == ExecutionOwners.Liveness.DEAD) {
                    throw new CliException("execution " + last.getId() + " of this job instance was left " + last.getStatus()
                        + " by " + ExecutionOwners.describe(owner) + ", which is gone (crash or kill); continue it with: slidebatch restart "
                        + last.getId(), 3);
                }
                throw refusal(last.getId(), ExecutionOwners.describe(owner));
            }
            JobExecution execution;
            try {
                execution = ctx.jobOperator().start(job, parameters);
            } catch (JobExecutionAlreadyRunningException e) {
                throw refusal(-1, "another process");
            } catch (org.springframework.dao.DataIntegrityViolationException e) {
                // Two launchers of the same instance at the same moment: the other one created (or, taking ours for a
                // crash's leftover, replaced) the instance between our look and our start. It runs; this one is refused.
                throw refusal(-1, "another launcher started this job instance at the same moment");
            } catch (JobInstanceAlreadyCompleteException e) {
                throw new CliException("job '" + jobName + "' already COMPLETED with these parameters " + describe(parameters)
                    + "; its outputs are in " + workspace().root() + " (use --new-instance to run it again)");
            } catch (InvalidJobParametersException e) {
                throw new CliException("invalid parameters for job '" + jobName + "': " + e.getMessage(), 2);
            } catch (JobRestartException e) {
                throw new CliException("cannot continue job '" + jobName + "': " + e.getMessage());
            }
            return JobResults.report(execution, workspace());
        }
    }

    private CliException refusal(long executionId, String owner) {
        return new CliException("refused: job '" + jobName + "' with these parameters is already running"
            + (executionId > 0 ? " as execution " + executionId : "") + " (" + owner + "); wait for it, or stop it with: slidebatch stop "
            + (executionId > 0 ? executionId : "ID"), 3);
    }

    /** Config-file entries first, then the command line's, so a --param overrides the file. */
    static List<String> withConfig(java.nio.file.Path file, List<String> params) {
        if (file == null) {
            return params;
        }
        java.util.Properties props = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(file)) {
            props.load(in);
        } catch (java.io.IOException e) {
            throw new CliException("cannot read job config " + file + ": " + e.getMessage(), 2);
        }
        List<String> all = new java.util.ArrayList<>();
        props.stringPropertyNames().stream().sorted().forEach(k -> all.add(k + "=" + props.getProperty(k)));
        all.addAll(params);
        return all;
    }

    static JobParameters parameters(List<String> raw, boolean newInstance) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String p : raw) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new CliException("parameter '" + p + "' is not KEY=VALUE", 2);
            }
            map.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        map.putIfAbsent("seed", "0");
        JobParametersBuilder b = new JobParametersBuilder();
        for (var e : map.entrySet()) {
            if (e.getKey().equals("seed") || e.getKey().equals("run.id")) {
                try {
                    b.addLong(e.getKey(), Long.parseLong(e.getValue()));
                } catch (NumberFormatException ex) {
                    throw new CliException(e.getKey() + " must be an integer, got '" + e.getValue() + "'", 2);
                }
            } else {
                b.addString(e.getKey(), e.getValue());
            }
        }
        if (newInstance) {
            b.addLong("run.id", System.currentTimeMillis());
        }
        return b.toJobParameters();
    }

    static String describe(JobParameters p) {
        StringBuilder sb = new StringBuilder("{");
        p.parameters().stream().sorted(java.util.Comparator.comparing(x -> x.name()))
            .forEach(x -> sb.append(sb.length() > 1 ? ", " : "").append(x.name()).append('=').append(x.value()));
        return sb.append('}').toString();
    }

    static boolean completed(JobExecution e) {
        return e.getStatus() == BatchStatus.COMPLETED;
    }
}
