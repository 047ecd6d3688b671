package dev.lattice.runtime.bus;

import static java.util.Objects.requireNonNull;

import dev.lattice.runtime.config.LatticeProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The Kafka bus: creates the topics, publishes durably, and starts consumers. Topic names given to and returned
 * by it are unprefixed ({@code roomserver.input}); the deployment's prefix is applied here and nowhere else.
 *
 * <p>Publishing waits for every in-sync replica ({@code acks=all}) with an idempotent producer, so a completed
 * {@link #publish} is durable and a retried send is not duplicated by the broker.
 */
public final class Bus implements AutoCloseable {
    /** How often {@link #awaitConsumed} asks for a group's offsets. */
    private static final Duration CONSUMED_POLL = Duration.ofMillis(20);

    private final LatticeProperties.Kafka settings;
    private final MeterRegistry meters;
    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final List<BusConsumer> consumers = new ArrayList<>();

    public Bus(LatticeProperties.Kafka settings, MeterRegistry meters) {
        this.settings = requireNonNull(settings, "settings is null");
        this.meters = requireNonNull(meters, "meters is null");
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lattice-producer");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                "lattice-admin"));
    }

    /** Completes when the cluster answers a metadata request. */
    public Mono<Void> ping() {
        return Mono.fromFuture(
                        admin.describeCluster().clusterId().toCompletionStage().toCompletableFuture())
                .then();
    }

    /** The topic's name on the broker. */
    public String brokerTopic(String topic) {
        return settings.topicPrefix() + topic;
    }

    /** Creates the topics (and their {@code .parked} companions) that do not exist yet. */
    public void createTopics(Collection<String> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(brokerTopic(topic))) {
                    missing.add(new NewTopic(brokerTopic(topic), settings.partitions(), settings.replicationFactor()));
                }
                // Parked records are rare and read by hand: one partition keeps them in one place.
                if (!existing.contains(brokerTopic(parkedTopic(topic)))) {
                    missing.add(new NewTopic(brokerTopic(parkedTopic(topic)), 1, settings.replicationFactor()));
                }
            }
            for (var result : admin.createTopics(missing).values().values()) {
                try {
                    result.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create Kafka topic: " + e.getCause().getMessage(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot reach Kafka at " + settings.bootstrapServers() + ": "
                            + e.getCause().getMessage(),
                    e);
        }
    }

    /** Where a consumer parks the records of {@code topic} it cannot handle. */
    public static String parkedTopic(String topic) {
        return topic + ".parked";
    }

    /**
     * Publishes one record; completes once the broker has it durably, on the producer's I/O thread. A caller that
     * goes on to publish again must leave that thread first: a send that waits for a topic's metadata (its first
     * record there) waits for that very thread, up to the producer's {@code max.block.ms}.
     */
    public Mono<Void> publish(String topic, String key, byte[] payload) {
        return Mono.create(sink ->
                producer.send(new ProducerRecord<>(brokerTopic(topic), key, payload), (metadata, error) -> {
                    if (error != null) {
                        sink.error(new RetriableException("publish to " + topic + " failed", error));
                    } else {
                        sink.success();
                    }
                }));
    }

    /**
     * Waits until consumer group {@code group} has handled (committed) every record on {@code topic} at the time of
     * the call: read-your-writes for a reader that keeps a model of the topic, asked about something another service
     * wrote and published a moment ago. Polls the group's committed offsets against the end offsets the call saw; a
     * group commits what it handled within 100 ms ({@link BusConsumer#COMMIT_INTERVAL}).
     *
     * @return true once caught up; false when {@code timeout} passed first
     */
    public Mono<Boolean> awaitConsumed(String group, String topic, Duration timeout) {
        return Mono.fromCallable(() -> {
                    Map<TopicPartition, Long> ends = new HashMap<>(endOffsets(List.of(topic)));
                    ends.values().removeIf(end -> end == 0);
                    long deadline = System.nanoTime() + timeout.toNanos();
                    while (true) {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                        settings.topicPrefix() + group)
                                .partitionsToOffsetAndMetadata()
                                .get();
                        if (ends.entrySet().stream().allMatch(end -> {
                            OffsetAndMetadata at = committed.get(end.getKey());
                            return at != null && at.offset() >= end.getValue();
                        })) {
                            return true;
                        }
                        if (System.nanoTime() > deadline) {
                            return false;
                        }
                        Thread.sleep(CONSUMED_POLL.toMillis());
                    }
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** The end offset of every partition of {@code topics}, asked of the broker now (its admin client). */
    private Map<TopicPartition, Long> endOffsets(List<String> topics) throws ExecutionException, InterruptedException {
        List<String> names = topics.stream().map(this::brokerTopic).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(names)
                .allTopicNames()
                .get()
                .forEach((name, description) -> description
                        .partitions()
                        .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, end) -> ends.put(partition, end.offset()));
        return ends;
    }

    /**
     * Consumes {@code topics} in consumer group {@code group}, each record handed to {@code handler}. Records of one
     * key are handled one at a time and in order, records of different keys concurrently (see {@link BusConsumer});
     * an offset is committed only after its record was handled or parked, so delivery is at least once and handlers
     * must be idempotent (and must not assume an order between keys).
     *
     * <p>A group's subscriptions in one process share one consumer, one poll thread and one place in the group (the
     * syncapi reads five topics): each Kafka consumer costs a poll thread, a heartbeat thread, its buffers and
     * metrics, and a fetch every {@code fetch.max.wait.ms} at rest. The shared consumer polls the topics together
     * and commits after each batch (at most every 100 ms), so a slow record of one topic delays the next poll of the
     * others. A topic the
     * group's consumer here reads already (a test standing for a second instance) gets a consumer of its own. The
     * consumer returned may be shared: closing it ends every subscription it serves.
     */
    public synchronized BusConsumer subscribe(
            String group, List<String> topics, Function<BusRecord, Mono<Void>> handler) {
        requireNonNull(group, "group is null");
        consumers.removeIf(consumer -> !consumer.isRunning());
        for (BusConsumer shared : consumers) {
            if (group.equals(shared.group()) && topics.stream().noneMatch(shared.topics()::contains)) {
                shared.addTopics(topics, handler, Map.of()); // subscribed to by the poll loop before its next poll
                return shared;
            }
        }
        // Its name in the group (static membership) is that of its first subscription, as when each subscription had
        // a consumer of its own: after an upgrade, the first topic's partitions are taken back at once.
        String instanceName = group + "-" + String.join(".", topics);
        BusConsumer consumer = new BusConsumer(this, settings, meters, group, instanceName);
        consumer.addTopics(topics, handler, Map.of());
        consumers.add(consumer);
        consumer.start();
        return consumer;
    }

    /**
     * Consumes every partition of {@code topics} from their current end, with no consumer group and no committed
     * offsets: each process that calls it sees every record published after the call returns (replies addressed to
     * instances, where each instance keeps its own). Handling and parking are as in {@link #subscribe}. The tails of
     * one process share one consumer, as a group's subscriptions do; a topic tailed here already gets another.
     */
    public synchronized BusConsumer tail(List<String> topics, Function<BusRecord, Mono<Void>> handler) {
        consumers.removeIf(consumer -> !consumer.isRunning());
        BusConsumer consumer = consumers.stream()
                .filter(shared -> shared.group() == null && topics.stream().noneMatch(shared.topics()::contains))
                .findFirst()
                .orElse(null);
        try {
            // The ends are asked of the admin client: the consumer's own requests would wait behind its fetch in
            // flight, which the broker holds up to fetch.max.wait.ms.
            Map<TopicPartition, Long> ends = endOffsets(topics);
            CompletableFuture<Void> positioned;
            if (consumer != null) {
                positioned = consumer.addTopics(topics, handler, ends);
            } else {
                consumer = new BusConsumer(this, settings, meters, null, "tail");
                positioned = consumer.addTopics(topics, handler, ends);
                consumers.add(consumer);
                consumer.start();
            }
            positioned.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while positioning a tail of " + topics, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot position a tail of " + topics + ": " + e.getMessage(), e);
        }
        return consumer;
    }

    /**
     * Stops every consumer started here, side by side: each waits for its fetch in flight as it closes (up to
     * {@code fetch.max.wait.ms}), so closing them one after another took that wait once per consumer, seconds for a
     * whole process. Called at shutdown before the consumers' own beans are closed, which then finds them closed.
     */
    public synchronized void closeConsumers() {
        consumers.forEach(BusConsumer::stopPolling);
        consumers.forEach(BusConsumer::close);
        consumers.clear();
    }

    @Override
    public synchronized void close() {
        closeConsumers();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
