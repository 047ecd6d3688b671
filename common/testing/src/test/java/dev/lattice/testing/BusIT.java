package dev.lattice.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusConsumer;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import dev.lattice.runtime.config.LatticeProperties;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The bus against a real Kafka broker: durable publish, ordered at-least-once consumption, poison parking. */
class BusIT {

    /** A fresh prefix per test, so tests never see each other's records. */
    private static LatticeProperties.Kafka kafka() {
        return new LatticeProperties.Kafka(
                TestInfra.kafkaBootstrap(), "test-" + UUID.randomUUID() + ".", 2, (short) 1, 32, null);
    }

    @Test
    void publishedRecordsAreConsumedInOrderPerKey() throws Exception {
        try (Bus bus = new Bus(kafka(), new SimpleMeterRegistry())) {
            bus.createTopics(List.of("events"));
            for (int i = 0; i < 50; i++) {
                String key = i % 2 == 0 ? "!a:example.org" : "!b:example.org";
                bus.publish("events", key, (key + "#" + i).getBytes(UTF_8)).block();
            }
            List<String> seen = new CopyOnWriteArrayList<>();
            bus.subscribe("order", List.of("events"), record -> {
                seen.add(new String(record.payload(), UTF_8));
                return Mono.empty();
            });
            waitFor(() -> seen.size() >= 50);
            assertThat(seen).hasSize(50);
            for (String key : List.of("!a:example.org", "!b:example.org")) {
                List<Integer> numbers = seen.stream()
                        .filter(s -> s.startsWith(key))
                        .map(s -> Integer.parseInt(s.substring(s.indexOf('#') + 1)))
                        .toList();
                assertThat(numbers).hasSize(25).isSorted();
            }
        }
    }

    @Test
    void aSlowKeyDoesNotHoldUpOtherKeysOfItsPartition() throws Exception {
        LatticeProperties.Kafka onePartition = new LatticeProperties.Kafka(
                TestInfra.kafkaBootstrap(), "test-" + UUID.randomUUID() + ".", 1, (short) 1, 32, null);
        try (Bus bus = new Bus(onePartition, new SimpleMeterRegistry())) {
            bus.createTopics(List.of("events"));
            bus.publish("events", "!slow:example.org", "slow".getBytes(UTF_8)).block();
            for (int i = 0; i < 20; i++) {
                bus.publish("events", "!room" + i + ":example.org", ("fast-" + i).getBytes(UTF_8))
                        .block();
            }
            CountDownLatch othersHandled = new CountDownLatch(20);
            AtomicBoolean slowSawOthersFirst = new AtomicBoolean();
            List<String> handled = new CopyOnWriteArrayList<>();
            bus.subscribe(
                    "lanes",
                    List.of("events"),
                    record -> Mono.fromCallable(() -> {
                                String payload = new String(record.payload(), UTF_8);
                                if (payload.equals("slow")) {
                                    // Handled one record at a time per partition, this would wait for records queued
                                    // behind it.
                                    slowSawOthersFirst.set(othersHandled.await(20, TimeUnit.SECONDS));
                                    handled.add(payload);
                                } else {
                                    // Recorded before counted: the slow one must find every other one recorded.
                                    handled.add(payload);
                                    othersHandled.countDown();
                                }
                                return payload;
                            })
                            .then());
            waitFor(() -> handled.size() == 21);
            assertThat(slowSawOthersFirst).isTrue();
            assertThat(handled.getLast()).isEqualTo("slow");
        }
    }

    @Test
    void poisonRecordIsParkedAndTheRestStillArrives() throws Exception {
        try (Bus bus = new Bus(kafka(), new SimpleMeterRegistry())) {
            bus.createTopics(List.of("events"));
            for (String payload : List.of("ok-1", "poison", "ok-2")) {
                bus.publish("events", "!room:example.org", payload.getBytes(UTF_8))
                        .block();
            }
            List<String> handled = new CopyOnWriteArrayList<>();
            bus.subscribe("handler", List.of("events"), record -> {
                String payload = new String(record.payload(), UTF_8);
                if (payload.equals("poison")) {
                    return Mono.error(new IllegalArgumentException("cannot decode"));
                }
                handled.add(payload);
                return Mono.empty();
            });
            List<String> parked = new CopyOnWriteArrayList<>();
            bus.subscribe("parked-reader", List.of(Bus.parkedTopic("events")), record -> {
                parked.add(new String(record.payload(), UTF_8));
                return Mono.empty();
            });
            waitFor(() -> handled.size() == 2 && parked.size() == 1);
            assertThat(handled).containsExactly("ok-1", "ok-2");
            assertThat(parked).containsExactly("poison");
        }
    }

    @Test
    void transientFailureIsRetriedUntilItPasses() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Bus bus = new Bus(kafka(), meters)) {
            bus.createTopics(List.of("events"));
            bus.publish("events", "!room:example.org", "flaky".getBytes(UTF_8)).block();
            AtomicInteger attempts = new AtomicInteger();
            List<String> handled = new CopyOnWriteArrayList<>();
            bus.subscribe("retry", List.of("events"), record -> {
                if (attempts.incrementAndGet() < 3) {
                    return Mono.error(new RetriableException("database away", new RuntimeException()));
                }
                handled.add(new String(record.payload(), UTF_8));
                return Mono.empty();
            });
            Timer handling = meters.get("lattice_bus_record_handling")
                    .tag("group", "retry")
                    .timer();
            waitFor(() -> handling.count() == 1);
            assertThat(attempts.get()).isEqualTo(3);
            assertThat(handled).containsExactly("flaky");
            // The handling time holds the retries' backoff (100 ms, then 200 ms).
            assertThat(handling.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300);
            assertThat(meters.get("lattice_bus_record_waiting")
                            .tag("group", "retry")
                            .timer()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void aRestartedConsumerResumesAfterTheLastHandledRecord() throws Exception {
        LatticeProperties.Kafka settings = kafka();
        Set<Long> firstRun = ConcurrentHashMap.newKeySet();
        try (Bus bus = new Bus(settings, new SimpleMeterRegistry())) {
            bus.createTopics(List.of("events"));
            for (int i = 0; i < 10; i++) {
                bus.publish("events", "!room:example.org", ("m" + i).getBytes(UTF_8))
                        .block();
            }
            bus.subscribe("resume", List.of("events"), record -> {
                firstRun.add(record.offset());
                return Mono.empty();
            });
            waitFor(() -> firstRun.size() == 10);
        }
        List<BusRecord> secondRun = new CopyOnWriteArrayList<>();
        try (Bus bus = new Bus(settings, new SimpleMeterRegistry())) {
            for (int i = 10; i < 13; i++) {
                bus.publish("events", "!room:example.org", ("m" + i).getBytes(UTF_8))
                        .block();
            }
            bus.subscribe("resume", List.of("events"), record -> {
                secondRun.add(record);
                return Mono.empty();
            });
            // A last record of the same key arrives after anything the consumer could still replay, so once it is
            // seen, nothing already handled in the first run can arrive any more.
            bus.publish("events", "!room:example.org", "last".getBytes(UTF_8)).block();
            waitFor(() -> secondRun.stream().anyMatch(r -> new String(r.payload(), UTF_8).equals("last")));
            assertThat(secondRun)
                    .extracting(r -> new String(r.payload(), UTF_8))
                    .containsExactly("m10", "m11", "m12", "last");
        }
    }

    @Test
    void aBusyGroupCommitsAtMostEveryHundredMillisecondsAndIsCaughtUpSoonAfter() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Bus bus = new Bus(kafka(), meters)) {
            bus.createTopics(List.of("events"));
            AtomicInteger handled = new AtomicInteger();
            bus.subscribe("busy", List.of("events"), record -> {
                handled.incrementAndGet();
                return Mono.empty();
            });
            // Each record is published once the one before it was handled, so each poll brings a batch of one: the
            // case where a commit per batch was a commit per record.
            long started = System.nanoTime();
            int records = 40;
            for (int i = 1; i <= records; i++) {
                bus.publish("events", "!room:example.org", ("m" + i).getBytes(UTF_8))
                        .block();
                int expected = i;
                waitFor(() -> handled.get() == expected);
            }
            long busyMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();

            assertThat(bus.awaitConsumed("busy", "events", Duration.ofSeconds(5))
                            .block())
                    .as("the last record's offset committed soon after it was handled")
                    .isTrue();
            double commits = meters.counter("lattice_bus_offset_commits", "group", "busy")
                    .count();
            // At most one per 100 ms of the busy spell, plus the first one and the last.
            assertThat(commits)
                    .isPositive()
                    .isLessThanOrEqualTo(busyMillis / 100.0 + 2)
                    .isLessThan(records);
        }
    }

    @Test
    void closingTheConsumersTogetherStopsEachAndARestartResumesWhereEachStopped() throws Exception {
        LatticeProperties.Kafka settings = kafka();
        List<String> groups = List.of("first", "second", "third");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Bus bus = new Bus(settings, new SimpleMeterRegistry())) {
            bus.createTopics(List.of("events"));
            List<BusConsumer> consumers = new ArrayList<>();
            for (String group : groups) {
                consumers.add(bus.subscribe(group, List.of("events"), record -> {
                    seen.add(group + ":" + new String(record.payload(), UTF_8));
                    return Mono.empty();
                }));
            }
            bus.publish("events", "!room:example.org", "one".getBytes(UTF_8)).block();
            waitFor(() -> seen.size() == 3);

            bus.closeConsumers();
            consumers.forEach(BusConsumer::close); // what Spring does next: a no-op now, not an error
            bus.publish("events", "!room:example.org", "two".getBytes(UTF_8)).block();

            List<String> restarted = new CopyOnWriteArrayList<>();
            for (String group : groups) {
                bus.subscribe(group, List.of("events"), record -> {
                    restarted.add(group + ":" + new String(record.payload(), UTF_8));
                    return Mono.empty();
                });
            }
            waitFor(() -> restarted.size() == 3);
            // Each group committed "one" as it closed, and the closed consumers took nothing after.
            assertThat(restarted).containsExactlyInAnyOrder("first:two", "second:two", "third:two");
            assertThat(seen).containsExactlyInAnyOrder("first:one", "second:one", "third:one");
        }
    }

    @Test
    void aGroupsSubscriptionsShareOneConsumerEachTopicWithItsOwnHandler() throws Exception {
        try (Bus bus = new Bus(kafka(), new SimpleMeterRegistry())) {
            bus.createTopics(List.of("alpha", "beta"));
            bus.publish("alpha", "!room:example.org", "a1".getBytes(UTF_8)).block();
            bus.publish("beta", "!room:example.org", "b1".getBytes(UTF_8)).block();
            List<String> alpha = new CopyOnWriteArrayList<>();
            List<String> beta = new CopyOnWriteArrayList<>();
            BusConsumer first = bus.subscribe("shared", List.of("alpha"), record -> {
                alpha.add(record.topic() + ":" + new String(record.payload(), UTF_8));
                return Mono.empty();
            });
            BusConsumer second = bus.subscribe("shared", List.of("beta"), record -> {
                beta.add(record.topic() + ":" + new String(record.payload(), UTF_8));
                return Mono.empty();
            });
            assertThat(second).isSameAs(first);

            bus.publish("beta", "!room:example.org", "b2".getBytes(UTF_8)).block();
            waitFor(() -> beta.size() == 2 && !alpha.isEmpty());
            assertThat(beta).containsExactly("beta:b1", "beta:b2");
            assertThat(alpha).allMatch(seen -> seen.equals("alpha:a1"));

            // A topic the group reads here already stands for a second instance: a consumer of its own.
            BusConsumer again = bus.subscribe("shared", List.of("alpha"), record -> Mono.empty());
            assertThat(again).isNotSameAs(first);
        }
    }

    @Test
    void tailsShareOneConsumerAndEachSeesWhatFollowsItsOwnStart() throws Exception {
        try (Bus bus = new Bus(kafka(), new SimpleMeterRegistry())) {
            bus.createTopics(List.of("first", "second"));
            bus.publish("first", "k", "before".getBytes(UTF_8)).block();
            List<String> first = new CopyOnWriteArrayList<>();
            BusConsumer firstTail = bus.tail(List.of("first"), record -> {
                first.add(new String(record.payload(), UTF_8));
                return Mono.empty();
            });
            bus.publish("second", "k", "before".getBytes(UTF_8)).block();
            bus.publish("first", "k", "after".getBytes(UTF_8)).block();
            List<String> second = new CopyOnWriteArrayList<>();
            BusConsumer secondTail = bus.tail(List.of("second"), record -> {
                second.add(new String(record.payload(), UTF_8));
                return Mono.empty();
            });
            bus.publish("second", "k", "after".getBytes(UTF_8)).block();
            bus.publish("first", "k", "last".getBytes(UTF_8)).block();

            waitFor(() -> first.size() == 2 && second.size() == 1);
            assertThat(secondTail).isSameAs(firstTail);
            assertThat(first).containsExactly("after", "last");
            assertThat(second).containsExactly("after");
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
