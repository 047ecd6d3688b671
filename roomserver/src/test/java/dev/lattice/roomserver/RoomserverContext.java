package dev.lattice.roomserver;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.ClientRoomserverApi;
import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.api.roomserver.OutputRoomEvent;
import dev.lattice.api.roomserver.RedactedEvent;
import dev.lattice.runtime.LatticeApplication;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.testing.TestInfra;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;

/**
 * The roomserver as its own process runs it ({@link RoomserverApplication}), against the test PostgreSQL and Kafka
 * with a fresh topic prefix, and a reader of everything it publishes on {@code roomserver.output}.
 */
final class RoomserverContext implements AutoCloseable {
    final ConfigurableApplicationContext context;
    final ClientRoomserverApi api;
    final Bus bus;
    /** Every {@code roomserver.output} record, in the order read. */
    final List<OutputRoomEvent> outputs = new CopyOnWriteArrayList<>();

    RoomserverContext(Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(LatticeApplication.defaults());
        properties.putAll(TestInfra.latticeProperties());
        properties.put("lattice.server-name", TestingRoomClient.SERVER.value());
        properties.put("lattice.client.port", 0);
        properties.put("lattice.metrics.port", 0);
        properties.put("lattice.federation.enabled", false);
        properties.put("lattice.kafka.topic-prefix", "test-" + UUID.randomUUID() + ".");
        properties.put("lattice.kafka.partitions", 2);
        // As in the all-in-one: the outbox publishes each commit from memory (Outbox#soleRelay).
        properties.put("lattice.roomserver.only-process", true);
        properties.remove("spring.config.import");
        try {
            properties.put(
                    "lattice.data-dir",
                    Files.createTempDirectory("roomserver-it").toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        properties.putAll(extra);
        context = new SpringApplicationBuilder(RoomserverApplication.class)
                .properties(properties)
                .run();
        api = context.getBean(ClientRoomserverApi.class);
        bus = context.getBean(Bus.class);
        bus.subscribe("test-output-" + UUID.randomUUID(), List.of(Topics.ROOMSERVER_OUTPUT), record -> {
            outputs.add(BusJson.decode(record.payload(), OutputRoomEvent.class));
            return Mono.empty();
        });
    }

    /** The event IDs of the {@link NewRoomEvent}s of {@code roomId}, in order, duplicates kept. */
    List<String> newEvents(String roomId) {
        return outputs.stream()
                .filter(o -> o instanceof NewRoomEvent n && n.roomId().value().equals(roomId))
                .map(o -> ((NewRoomEvent) o).eventId().value())
                .toList();
    }

    List<RedactedEvent> redactions(String roomId) {
        return outputs.stream()
                .filter(o -> o instanceof RedactedEvent r && r.roomId().value().equals(roomId))
                .map(RedactedEvent.class::cast)
                .toList();
    }

    static void waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
