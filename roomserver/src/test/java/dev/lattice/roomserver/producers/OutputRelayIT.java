package dev.lattice.roomserver.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.roomserver.storage.EventWrite;
import dev.lattice.roomserver.storage.OutboxRow;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import dev.lattice.roomserver.storage.postgres.TestingDatabase;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.testing.TestInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The transactional outbox under a crash: events committed with their output rows, a relay that dies after
 * publishing some rows but before marking them sent (as kill -9 would), and a fresh relay after the "restart".
 */
class OutputRelayIT {

    @Test
    void aCrashBetweenPublishAndMarkPublishesEveryCommittedEventAtLeastOnceAndConsumersDedupe() throws Exception {
        RoomserverDatabase database = TestingDatabase.roomserverDatabase(100);
        LatticeProperties.Kafka kafka = new LatticeProperties.Kafka(
                TestInfra.kafkaBootstrap(), "test-" + UUID.randomUUID() + ".", 2, (short) 1, 32);
        try (Bus bus = new Bus(kafka, new SimpleMeterRegistry())) {
            bus.createTopics(List.of(Topics.ROOMSERVER_OUTPUT));
            Function<OutboxRow, Mono<Void>> publish =
                    row -> bus.publish(Topics.ROOMSERVER_OUTPUT, row.roomId(), row.payload());
            // Other tests' leftovers are not this test's business: mark them sent first.
            new OutputRelay(database, row -> Mono.empty(), Duration.ofHours(1), 500)
                    .relayNow()
                    .block();

            String room = TestingDatabase.roomId();
            List<String> committed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                EventRow event = TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED);
                byte[] payload = BusJson.encode(new NewRoomEvent(
                        room, RoomVersionId.V12, event.eventId(), "{}", List.of(), List.of(), null, false));
                database.store(new EventWrite(
                                null,
                                event,
                                null,
                                null,
                                false,
                                List.of(),
                                false,
                                List.of(),
                                List.of(),
                                null,
                                null,
                                List.of(new EventWrite.OutboxRecord(event.eventId(), payload))))
                        .block();
                committed.add(event.eventId());
            }

            List<String> received = new CopyOnWriteArrayList<>();
            bus.subscribe("test-consumer", List.of(Topics.ROOMSERVER_OUTPUT), record -> {
                if (BusJson.decode(record.payload(), OutputRoomEvent.class) instanceof NewRoomEvent event) {
                    received.add(event.eventId());
                }
                return Mono.empty();
            });

            AtomicInteger published = new AtomicInteger();
            OutputRelay crashing = new OutputRelay(
                    database,
                    row -> publish.apply(row)
                            .then(Mono.defer(() -> published.incrementAndGet() == 3
                                    ? Mono.error(new IllegalStateException("kill -9"))
                                    : Mono.empty())),
                    Duration.ofHours(1),
                    100);
            assertThatThrownBy(() -> crashing.relayNow().block()).hasMessageContaining("kill -9");
            assertThat(database.unsentOutboxRows().block()).isEqualTo(5); // nothing was marked sent

            OutputRelay restarted = new OutputRelay(database, publish, Duration.ofMillis(200), 100).start();
            try {
                waitFor(() -> new LinkedHashSet<>(received).size() == 5);
                assertThat(database.unsentOutboxRows().block()).isZero();
            } finally {
                restarted.close();
            }
            // At least once: the three rows published before the crash came again...
            assertThat(received).hasSize(8);
            // ...and a consumer that dedupes by event ID sees each committed event once, in commit order.
            assertThat(new ArrayList<>(new LinkedHashSet<>(received))).containsExactlyElementsOf(committed);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
