package org.slidebatch.batch;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * How a per-slide step's partitions run: {@code partitioning=local} (default: threads of this process) or {@code remote}
 * (partition requests go over RabbitMQ to {@code slidebatch worker} processes that share the job repository; see
 * docs/scale-out.md). {@code partition_slides}: slides per partition (default: local, the slides split into
 * {@code workers} ranges; remote, 1). {@code remote_queue}: the broker queue the workers listen on.
 * {@code remote_timeout_s}: how long the manager waits for its partitions (0: for ever), after which the step fails and
 * {@code restart} continues it. {@code remote_poll_ms}: how often the manager reads the partitions' state.
 */
public record Partitioning(boolean remote, int slidesPerPartition, String queue, long timeoutSeconds, long pollMillis) {

    public static final String PARTITIONING = "partitioning";
    public static final String PARTITION_SLIDES = "partition_slides";
    public static final String QUEUE = "remote_queue";
    public static final String TIMEOUT = "remote_timeout_s";
    public static final String POLL = "remote_poll_ms";
    public static final String DEFAULT_QUEUE = "slidebatch.partitions";

    public static final Set<String> NAMES = Set.of(PARTITIONING, PARTITION_SLIDES, QUEUE, TIMEOUT, POLL);
    public static final StageParameters<Partitioning> SPEC = StageParameters.of("partitioning", NAMES, Partitioning::from);

    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    public static Partitioning from(JobParameters p) {
        String mode = Params.string(p, PARTITIONING, "local").trim().toLowerCase(Locale.ROOT);
        boolean remote = switch (mode) {
            case "local" -> false;
            case "remote" -> true;
            default -> throw new IllegalArgumentException(PARTITIONING + " must be local or remote, got '" + mode + "'");
        };
        long slides = Params.longValue(p, PARTITION_SLIDES, 0);
        if (slides < 0 || slides > Integer.MAX_VALUE || (p.getParameter(PARTITION_SLIDES) != null && slides == 0)) {
            throw new IllegalArgumentException(PARTITION_SLIDES + " must be a positive integer, got '"
                + p.getParameter(PARTITION_SLIDES).value() + "'");
        }
        String queue = Params.string(p, QUEUE, DEFAULT_QUEUE).trim();
        if (!QUEUE_NAME.matcher(queue).matches()) {
            throw new IllegalArgumentException(QUEUE + " must be 1-200 characters of letters, digits, '.', '_', ':' or '-', got '"
                + queue + "'");
        }
        long timeout = Params.longValue(p, TIMEOUT, 0);
        if (timeout < 0) {
            throw new IllegalArgumentException(TIMEOUT + " must be 0 (wait for ever) or a number of seconds, got " + timeout);
        }
        long poll = Params.longValue(p, POLL, 1000);
        if (poll < 50 || poll > 600_000) {
            throw new IllegalArgumentException(POLL + " must be between 50 and 600000 milliseconds, got " + poll);
        }
        if (!remote) {
            for (String n : Set.of(QUEUE, TIMEOUT, POLL)) {
                if (p.getParameter(n) != null) {
                    throw new IllegalArgumentException(n + " applies only to partitioning=remote");
                }
            }
        }
        return new Partitioning(remote, (int) (slides == 0 ? (remote ? 1 : 0) : slides), queue, timeout, poll);
    }

    /** Slides per partition, or 0: split into {@code workers} ranges. */
    public int slidesPerPartition() {
        return slidesPerPartition;
    }
}
