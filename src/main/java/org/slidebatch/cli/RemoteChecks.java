package org.slidebatch.cli;

import org.slidebatch.batch.Partitioning;
import org.springframework.batch.core.job.parameters.JobParameters;

/** What a run with {@code partitioning=remote} needs before it starts: a broker, and a job repository workers share. */
final class RemoteChecks {

    private RemoteChecks() {
    }

    static boolean remote(JobParameters p) {
        try {
            return Partitioning.from(p).remote();
        } catch (IllegalArgumentException e) {
            return false; // the job's validator refuses it with the parameter's name
        }
    }

    static void beforeLaunch(JobParameters p, boolean brokerConfigured) {
        if (remote(p) && !brokerConfigured) {
            throw new CliException("partitioning=remote needs a message broker: give --broker amqp://USER:PASSWORD@HOST:5672 "
                + "(or set SLIDEBATCH_BROKER or SPRING_RABBITMQ_ADDRESSES) and start workers with: slidebatch worker", 2);
        }
    }

    static void repository(JobParameters p, BatchContext ctx) {
        if (remote(p) && ctx.embeddedRepository()) {
            System.out.println("[slidebatch] warning: partitioning=remote on the workspace's embedded H2: only workers on this "
                + "machine can share it; use PostgreSQL (--db) for workers on several machines");
        }
    }
}
