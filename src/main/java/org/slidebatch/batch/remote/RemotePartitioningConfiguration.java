package org.slidebatch.batch.remote;

import java.util.List;

import org.slidebatch.batch.PerSlideSteps;
import org.slidebatch.batch.RemotePartitions;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.converter.SimpleMessageConverter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.amqp.dsl.Amqp;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.MessageChannel;

/**
 * Remote partitioning over RabbitMQ, present when a broker is configured ({@code slidebatch.remote.enabled}, set by the
 * CLI from {@code --broker}, {@code $SLIDEBATCH_BROKER} or Spring Boot's {@code spring.rabbitmq.*}). The manager side
 * is always there then (a run chooses it with {@code partitioning=remote}); the worker's consumer only in
 * {@code slidebatch worker} ({@code slidebatch.worker.queue}). Polling mode, prefetch 1, AUTO acknowledgement
 * (STACK-NOTES §10): a request is acknowledged when its partition has ended, so a killed worker's request goes to
 * another worker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "slidebatch.remote.enabled", havingValue = "true")
@EnableIntegration
public class RemotePartitioningConfiguration {

    /** Java serialisation of the one payload type the workers accept (anything else is refused, not deserialised). */
    @Bean
    SimpleMessageConverter partitionRequestConverter() {
        SimpleMessageConverter c = new SimpleMessageConverter();
        c.setAllowedListPatterns(List.of(StepExecutionRequest.class.getName(), "java.lang.Long", "java.lang.Number",
            "java.lang.String"));
        return c;
    }

    @Bean
    MessageChannel partitionRequests() {
        return new DirectChannel();
    }

    @Bean
    IntegrationFlow partitionRequestsToBroker(ConnectionFactory cf, SimpleMessageConverter partitionRequestConverter,
                                              @Qualifier("partitionRequests") MessageChannel partitionRequests) {
        RabbitTemplate template = new RabbitTemplate(cf);
        template.setMessageConverter(partitionRequestConverter);
        return IntegrationFlow.from(partitionRequests)
            .handle(Amqp.outboundAdapter(template).routingKeyExpression("headers['" + AmqpPartitions.QUEUE_HEADER + "']"))
            .get();
    }

    @Bean
    RemotePartitions remotePartitions(JobRepository repo, AmqpAdmin admin,
                                      @Qualifier("partitionRequests") MessageChannel partitionRequests) {
        return new AmqpPartitions(repo, admin, partitionRequests, System.out);
    }

    /** The worker: one consumer, one unacknowledged request at a time. */
    @Bean
    @ConditionalOnProperty(name = "slidebatch.worker.queue")
    IntegrationFlow partitionWorkerFlow(ConnectionFactory cf, AmqpAdmin admin, SimpleMessageConverter partitionRequestConverter,
                                        JobRepository repo, PerSlideSteps steps,
                                        @Value("${slidebatch.worker.queue}") String queue) {
        admin.declareQueue(AmqpPartitions.queue(queue));
        PartitionWorker worker = new PartitionWorker(repo, steps.workerSteps(), queue, System.out);
        return IntegrationFlow.from(Amqp.inboundAdapter(cf, queue)
                .messageConverter(partitionRequestConverter)
                .configureContainer(c -> c.concurrentConsumers(1).prefetchCount(1).acknowledgeMode(AcknowledgeMode.AUTO)
                    // a request that cannot be read is dropped, not redelivered in a hot loop
                    .defaultRequeueRejected(false)))
            .handle(StepExecutionRequest.class, (request, headers) -> {
                worker.handle(request);
                return null;
            })
            .get();
    }
}
