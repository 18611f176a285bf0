package org.slidebatch.batch.remote;

import java.io.PrintStream;
import java.util.Collection;
import java.util.concurrent.TimeoutException;

import org.slidebatch.batch.Partitioning;
import org.slidebatch.batch.RemotePartitions;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.MessageChannelPartitionHandler;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.MessageChannel;

/**
 * The manager's side of remote partitioning: Spring Batch's {@link MessageChannelPartitionHandler} in polling mode
 * (no reply queue: the job repository is the only truth about a partition), its requests going to the AMQP outbound
 * adapter with the run's queue as routing key (RabbitMQ's default exchange delivers to the queue of that name).
 */
public final class AmqpPartitions implements RemotePartitions {

    /** The message header that carries the destination queue to the outbound adapter. */
    public static final String QUEUE_HEADER = "slidebatch_queue";

    private final JobRepository repo;
    private final AmqpAdmin admin;
    private final MessageChannel requests;
    private final PrintStream console;

    public AmqpPartitions(JobRepository repo, AmqpAdmin admin, MessageChannel requests, PrintStream console) {
        this.repo = repo;
        this.admin = admin;
        this.requests = requests;
        this.console = console;
    }

    /** The durable queue the workers take partition requests from. */
    public static Queue queue(String name) {
        return new Queue(name, true, false, false);
    }

    @Override
    public PartitionHandler handler(String workerStep, Partitioning p) {
        return (splitter, manager) -> handle(splitter, manager, workerStep, p);
    }

    private Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution manager, String workerStep,
                                             Partitioning p) throws Exception {
        // A message sent to the default exchange for a queue that does not exist is dropped: declare it first.
        admin.declareQueue(queue(p.queue()));
        MessageChannel toQueue = (message, timeout) -> requests.send(
            MessageBuilder.fromMessage(message).setHeader(QUEUE_HEADER, p.queue()).build(), timeout);
        MessagingTemplate template = new MessagingTemplate(toQueue);
        MessageChannelPartitionHandler h = new MessageChannelPartitionHandler() {
            @Override
            protected java.util.Set<StepExecution> doHandle(StepExecution m, java.util.Set<StepExecution> partitions) throws Exception {
                console.printf("[%s] %d partition request(s) for %s go to queue %s; waiting for the workers%s%n",
                    m.getStepName(), partitions.size(), workerStep, p.queue(),
                    p.timeoutSeconds() > 0 ? " (at most " + p.timeoutSeconds() + " s)" : "");
                return super.doHandle(m, partitions);
            }
        };
        h.setStepName(workerStep);
        h.setJobRepository(repo);
        h.setMessagingOperations(template);
        h.setPollInterval(p.pollMillis());
        h.setTimeout(p.timeoutSeconds() > 0 ? p.timeoutSeconds() * 1000 : -1);
        h.afterPropertiesSet();
        try {
            return h.handle(splitter, manager);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the remote partitions of " + manager.getStepName() + " did not all end within "
                + p.timeoutSeconds() + " s (" + Partitioning.TIMEOUT + ") on queue " + p.queue() + "; start workers, then: "
                + "slidebatch restart " + manager.getJobExecutionId(), e);
        }
    }
}
