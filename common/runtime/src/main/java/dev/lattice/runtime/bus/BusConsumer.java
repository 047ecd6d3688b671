package dev.lattice.runtime.bus;

import static java.util.Objects.requireNonNull;

import dev.lattice.runtime.config.LatticeProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A poll loop on a dedicated thread, in a consumer group ({@link Bus#subscribe}) or, with no group, reading every
 * partition from its end ({@link Bus#tail}). Each record goes to its topic's handler (a group's consumer in a process
 * reads all the topics the group subscribed to there, see {@link Bus#subscribe}); when it fails with a
 * {@link RetriableException} the same record is retried with backoff and nothing is committed; any other failure
 * makes it poison: it is logged, counted, copied to the topic's {@code .parked} companion and skipped, so one bad
 * record never blocks its partition.
 *
 * <p>Records are handled in order per key (a room, a user), and records of different keys side by side: each polled
 * batch is split into one lane per key, each lane handled one record after another on a virtual thread, at most
 * {@code concurrency} lanes at once. One slow room therefore does not hold up the others, as it would if the whole
 * partition were handled one record at a time. A batch's offsets are committed once every lane finished, so a record
 * is never skipped; under load at most every {@link #COMMIT_INTERVAL} (a commit is a write on the broker, and one per
 * record cost 11 % of a message's CPU, bench/RESULTS.md), at once after a quiet spell, and before the consumer closes
 * or gives partitions up. A crash replays what was handled since the last commit: delivery is at least once, and
 * handlers are idempotent.
 */
public final class BusConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BusConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /**
     * The most a group's handled offsets wait to be committed. Bounds what a crash replays and how long
     * {@link Bus#awaitConsumed} waits for the group beyond its handling.
     */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    private final Bus bus;
    private final String group;
    private final KafkaConsumer<String, byte[]> consumer;
    /** Each topic's handler, by the topic's name on the broker; topics are only ever added ({@link #addTopics}). */
    private final Map<String, Function<BusRecord, Mono<Void>>> handlers = new ConcurrentHashMap<>();
    /** Each topic's name without the deployment prefix, by its name on the broker. */
    private final Map<String, String> unprefixed = new ConcurrentHashMap<>();
    /** Topics added and not yet subscribed to (a group) or assigned (a tail) by the poll loop. */
    private final Queue<Added> added = new ConcurrentLinkedQueue<>();

    private final Counter handled;
    private final Counter parked;
    private final Counter commits;
    private final Timer handling;
    private final Timer waiting;
    private final Thread thread;
    private final Semaphore lanes;
    private final ExecutorService laneThreads;
    private volatile boolean running = true;
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Offsets of whole batches handled and not yet committed; the poll thread's alone. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    /** When ({@link System#nanoTime}) the last commit was sent. */
    private long lastCommit = System.nanoTime() - COMMIT_INTERVAL.toNanos();

    BusConsumer(Bus bus, LatticeProperties.Kafka settings, MeterRegistry meters, String group, String instanceName) {
        this.bus = requireNonNull(bus, "bus is null");
        this.group = group; // null: tail every partition, no group, no commits
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.topicPrefix() + group);
            if (settings.groupInstanceId() != null
                    && !settings.groupInstanceId().isBlank()) {
                String name = settings.groupInstanceId() + "-" + instanceName;
                config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, name.replaceAll("[^a-zA-Z0-9._-]", "_"));
            }
        }
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        // The broker answers a fetch as soon as a record arrives, so how long it may hold an empty one costs nothing
        // under load; at rest it is how often each consumer asks (Kafka's 500 ms: 2 requests a second each).
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 2_000);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        String name = group != null ? group : "tail";
        this.handled = Counter.builder("lattice_bus_records_handled")
                .tag("group", name)
                .description("Records a consumer group handled")
                .register(meters);
        this.parked = Counter.builder("lattice_bus_records_parked")
                .tag("group", name)
                .description("Poison records a consumer group parked and skipped")
                .register(meters);
        this.commits = Counter.builder("lattice_bus_offset_commits")
                .tag("group", name)
                .description("Offset commits a consumer group sent (at most one per 100 ms under load)")
                .register(meters);
        this.handling = Timer.builder("lattice_bus_record_handling")
                .tag("group", name)
                .description("How long the handler took on a record, retries included")
                .register(meters);
        this.waiting = Timer.builder("lattice_bus_record_waiting")
                .tag("group", name)
                .description("From a record's publication (its broker timestamp) until its handler started")
                .register(meters);
        this.thread = Thread.ofPlatform().name("bus-" + name).daemon(true).unstarted(this::run);
        if (settings.consumerConcurrency() < 1) {
            throw new IllegalArgumentException("lattice.kafka.consumer-concurrency must be at least 1");
        }
        this.lanes = new Semaphore(settings.consumerConcurrency());
        this.laneThreads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("bus-" + name + "-", 0).factory());
    }

    void start() {
        thread.start();
    }

    /** The consumer group, or null for a tail. */
    String group() {
        return group;
    }

    /** Whether the poll loop runs: started, and neither closed nor stopped by a failure. */
    boolean isRunning() {
        return running && thread.isAlive();
    }

    /** The topics (unprefixed) this consumer reads. */
    Set<String> topics() {
        return Set.copyOf(unprefixed.values());
    }

    /**
     * Topics given to {@link #addTopics}, with where a tail starts reading them and the future the poll loop
     * completes once it reads them.
     */
    private record Added(List<String> topics, Map<TopicPartition, Long> tailFrom, CompletableFuture<Void> positioned) {}

    /**
     * Adds topics with their handler: the poll loop, woken, subscribes to them (a group, which rebalances it) or
     * assigns their partitions from {@code tailFrom} (a tail: every partition's offset, their ends when the caller
     * asked) before it polls again, and then completes the future returned. Records of the new topics are handled as
     * the others are, each topic by its own handler.
     */
    CompletableFuture<Void> addTopics(
            List<String> topics, Function<BusRecord, Mono<Void>> handler, Map<TopicPartition, Long> tailFrom) {
        requireNonNull(handler, "handler is null");
        for (String topic : topics) {
            String onBroker = bus.brokerTopic(topic);
            if (handlers.putIfAbsent(onBroker, handler) != null) {
                throw new IllegalArgumentException(topic + " is read by this consumer already");
            }
            unprefixed.put(onBroker, topic);
        }
        Added adding = new Added(List.copyOf(topics), Map.copyOf(tailFrom), new CompletableFuture<>());
        added.add(adding);
        consumer.wakeup();
        return adding.positioned();
    }

    private void run() {
        try {
            while (running) {
                readAddedTopics();
                ConsumerRecords<String, byte[]> batch;
                try {
                    batch = consumer.poll(untilCommitDue());
                } catch (WakeupException woken) {
                    continue; // topics added, or closing: the loop's condition tells
                }
                if (!batch.isEmpty()) {
                    handleInLanes(batch);
                    if (group != null) {
                        uncommitted.putAll(nextOffsets(batch));
                    }
                }
                commitIfDue();
            }
        } catch (WakeupException closing) {
            // close() woke a call of the consumer: fall through to close it.
        } catch (RuntimeException e) {
            log.error("consumer group {} stopped", group, e);
            Added waiting;
            while ((waiting = added.poll()) != null) {
                waiting.positioned().completeExceptionally(e);
            }
        } finally {
            laneThreads.shutdownNow();
            commitBeforeClosing(); // only whole batches are in it, whichever way the loop ended
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** How long the next poll may wait: until offsets waiting to be committed are due, at most 500 ms. */
    private Duration untilCommitDue() {
        if (uncommitted.isEmpty()) {
            return Duration.ofMillis(500);
        }
        long left = lastCommit + COMMIT_INTERVAL.toNanos() - System.nanoTime();
        return Duration.ofNanos(Math.clamp(left, 0, Duration.ofMillis(500).toNanos()));
    }

    /**
     * Commits the handled offsets once {@link #COMMIT_INTERVAL} has passed since the last commit, without waiting for
     * the broker: a failed commit is superseded by the partition's next one, and at worst a record is handled again.
     */
    private void commitIfDue() {
        long now = System.nanoTime();
        if (uncommitted.isEmpty() || now - lastCommit < COMMIT_INTERVAL.toNanos()) {
            return;
        }
        lastCommit = now;
        commits.increment();
        consumer.commitAsync(Map.copyOf(uncommitted), (offsets, error) -> {
            if (error != null) {
                log.warn(
                        "consumer group {}: committing {} failed, its records may be handled again",
                        group,
                        offsets,
                        error);
            }
        });
        uncommitted.clear();
    }

    /** Commits, waiting for the broker, what was handled of {@code partitions} and not yet committed. */
    private void commitNow(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = uncommitted.get(partition);
            if (offset != null) {
                offsets.put(partition, offset);
            }
        }
        if (!offsets.isEmpty()) {
            commits.increment();
            awake(() -> consumer.commitSync(offsets));
            offsets.keySet().forEach(uncommitted::remove);
        }
    }

    /** A closing consumer's last commit: what it handled is not handled again by the next one. */
    private void commitBeforeClosing() {
        for (int attempt = 0; attempt < 2 && !uncommitted.isEmpty(); attempt++) {
            try {
                commitNow(List.copyOf(uncommitted.keySet()));
            } catch (WakeupException woken) {
                // close() woke the consumer while no call was waiting: the wake-up is spent, so a second try goes
                // through.
            } catch (RuntimeException e) {
                log.warn("consumer group {}: the last commit failed, its last records may be handled again", group, e);
                return;
            }
        }
    }

    /**
     * Subscribes to the topics added since the last look (a group) or assigns their partitions from the offsets given
     * (a tail: their ends when added, so that no record published afterwards is missed), and completes their futures.
     */
    private void readAddedTopics() {
        List<Added> adding = new ArrayList<>();
        Added next;
        while ((next = added.poll()) != null) {
            adding.add(next);
        }
        if (adding.isEmpty()) {
            return;
        }
        if (group != null) {
            consumer.subscribe(List.copyOf(unprefixed.keySet()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Their next owner starts from the committed offsets: what was handled here is handed over.
                    commitNow(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    // Another member owns them already; a commit would be refused. Its records may be handled again.
                    partitions.forEach(uncommitted::remove);
                }
            });
        } else {
            Map<TopicPartition, Long> fresh = new HashMap<>();
            adding.forEach(topics -> fresh.putAll(topics.tailFrom()));
            List<TopicPartition> all = new ArrayList<>(consumer.assignment());
            all.addAll(fresh.keySet());
            consumer.assign(all); // the partitions assigned before keep their positions
            fresh.forEach(consumer::seek);
        }
        adding.forEach(topics -> topics.positioned().complete(null));
    }

    /** A blocking call of the consumer, made again when {@link #addTopics} woke it rather than closing. */
    private void awake(Runnable call) {
        while (true) {
            try {
                call.run();
                return;
            } catch (WakeupException woken) {
                if (!running) {
                    throw woken;
                }
            }
        }
    }

    /** Handles a batch, one lane per (topic, key), and returns once every record is handled or parked. */
    private void handleInLanes(ConsumerRecords<String, byte[]> batch) {
        Map<String, List<ConsumerRecord<String, byte[]>>> byLane = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : batch) {
            byLane.computeIfAbsent(lane(record), lane -> new ArrayList<>()).add(record);
        }
        if (byLane.size() == 1) {
            byLane.values().iterator().next().forEach(this::handle);
            return;
        }
        List<Future<?>> inFlight = new ArrayList<>(byLane.size());
        for (List<ConsumerRecord<String, byte[]>> lane : byLane.values()) {
            acquireLane();
            inFlight.add(laneThreads.submit(() -> {
                try {
                    lane.forEach(this::handle);
                } finally {
                    lanes.release();
                }
            }));
        }
        for (Future<?> lane : inFlight) {
            awaitLane(lane);
        }
    }

    /** Records with the same key keep their order; a record without a key keeps its partition's order. */
    private static String lane(ConsumerRecord<String, byte[]> record) {
        return record.key() != null
                ? record.topic() + "\u0000" + record.key()
                : record.topic() + "\u0000\u0000" + record.partition();
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : batch.partitions()) {
            List<ConsumerRecord<String, byte[]>> records = batch.records(partition);
            offsets.put(partition, new OffsetAndMetadata(records.getLast().offset() + 1));
        }
        return offsets;
    }

    private void acquireLane() {
        try {
            lanes.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    /** Waits for a lane; a lane's failure (the consumer closing, parking impossible) ends the poll loop. */
    private static void awaitLane(Future<?> lane) {
        try {
            lane.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        String topic = unprefixed.get(record.topic());
        BusRecord busRecord = new BusRecord(
                topic,
                record.partition(),
                record.offset(),
                record.key(),
                record.value() != null ? record.value() : new byte[0]);
        Duration backoff = Duration.ofMillis(100);
        long started = System.currentTimeMillis();
        waiting.record(Math.max(0, started - record.timestamp()), TimeUnit.MILLISECONDS);
        Timer.Sample sample = Timer.start();
        Function<BusRecord, Mono<Void>> handler = handlers.get(record.topic());
        while (running) {
            try {
                handler.apply(busRecord).block();
                sample.stop(handling);
                handled.increment();
                return;
            } catch (RetriableException transientFailure) {
                log.warn(
                        "{} {}@{}: retrying in {}: {}",
                        group,
                        topic,
                        record.offset(),
                        backoff,
                        transientFailure.getMessage());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            } catch (RuntimeException poison) {
                log.error("{} {}@{}: parking poison record", group, topic, record.offset(), poison);
                bus.publish(Bus.parkedTopic(topic), record.key(), busRecord.payload())
                        .block();
                parked.increment();
                return;
            }
        }
        throw new WakeupException();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    /**
     * Asks the poll loop to end: a poll in progress returns at once, and the loop closes the Kafka consumer on its own
     * thread, which waits for the fetch in flight (up to {@code fetch.max.wait.ms}). {@link Bus#closeConsumers} asks
     * every consumer first and then waits for each, so those waits overlap.
     */
    void stopPolling() {
        if (stopping.compareAndSet(false, true)) {
            running = false;
            consumer.wakeup();
        }
    }

    /** Stops the poll loop and waits (up to 10 s) for it to end. Closing again does nothing. */
    @Override
    public void close() {
        stopPolling();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
