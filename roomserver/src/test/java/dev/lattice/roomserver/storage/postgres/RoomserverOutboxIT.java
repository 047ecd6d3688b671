package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.roomserver.storage.EventWrite;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.testing.TestInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * {@code store} and the outbox under a crash: each stored event's {@code roomserver.output} record is published right
 * after its commit; a process whose broker connection dies after the broker took a record but before the row was
 * deleted (as kill -9 would) leaves rows, which the sweeper of the restarted process publishes.
 */
class RoomserverOutboxIT {

    @Test
    void aCrashBetweenPublishAndDeletePublishesEveryCommittedEventAtLeastOnceAndConsumersDedupe() throws Exception {
        LatticeProperties.Kafka kafka = new LatticeProperties.Kafka(
                TestInfra.kafkaBootstrap(), "test-" + UUID.randomUUID() + ".", 2, (short) 1, 32, null);
        try (Bus bus = new Bus(kafka, new SimpleMeterRegistry())) {
            bus.createTopics(List.of(Topics.ROOMSERVER_OUTPUT));
            String room = TestingDatabase.roomId();
            List<String> received = new CopyOnWriteArrayList<>();
            bus.subscribe("test-consumer", List.of(Topics.ROOMSERVER_OUTPUT), record -> {
                if (room.equals(record.key())
                        && BusJson.decode(record.payload(), OutputRoomEvent.class) instanceof NewRoomEvent event) {
                    received.add(event.eventId().value());
                }
                return Mono.empty();
            });

            // From its third record on, the broker takes each record but the process dies before deleting the row.
            AtomicInteger published = new AtomicInteger();
            Outbox dying = TestingDatabase.outbox((topic, key, payload) -> bus.publish(topic, key, payload)
                    .then(Mono.defer(() -> published.incrementAndGet() >= 3
                            ? Mono.error(new IllegalStateException("kill -9"))
                            : Mono.empty())));
            RoomserverDatabase database = new PostgresRoomserverDatabase(TestingDatabase.CLIENT, dying, 100);
            List<String> committed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                committed.add(store(database, room).eventId());
            }
            assertThat(dying.unpublished().block()).isGreaterThanOrEqualTo(3);

            // A duplicate event ID fails the transaction: nothing of it is stored or published.
            EventRow duplicate = TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED);
            store(database, room, duplicate);
            long before = dying.unpublished().block();
            assertThatThrownBy(() -> store(database, room, duplicate)).isNotNull();
            assertThat(dying.unpublished().block()).isEqualTo(before);
            committed.add(duplicate.eventId());

            try (Outbox restarted = TestingDatabase.outbox(bus::publish).start()) {
                waitFor(() -> new LinkedHashSet<>(received).size() == committed.size());
                waitFor(() -> restarted.unpublished().block() == 0);
            }
            // At least once: the records the broker took before each "crash" came again...
            assertThat(received.size()).isGreaterThan(committed.size());
            // ...and a consumer that dedupes by event ID sees each committed event once, in commit order.
            assertThat(new ArrayList<>(new LinkedHashSet<>(received))).containsExactlyElementsOf(committed);
        }
    }

    private static EventRow store(RoomserverDatabase database, String room) {
        return store(database, room, TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED));
    }

    private static EventRow store(RoomserverDatabase database, String room, EventRow event) {
        byte[] payload = BusJson.encode(new NewRoomEvent(
                RoomId.parse(room),
                RoomVersionId.V12,
                EventId.parse(event.eventId()),
                "{}",
                List.of(),
                List.of(),
                null,
                false));
        return database.store(new EventWrite(
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
                        List.of(new EventWrite.OutboxRecord(event.eventId(), payload)),
                        false,
                        null))
                .block();
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
