package dev.lattice.roomserver.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.roomserver.internal.input.PendingVerdicts;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusConsumer;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The consumer of {@code roomserver.verdicts}: every instance reads every partition from its end (no consumer
 * group, {@link Bus#tail}) and completes the waits of the verdicts addressed to it (record key = its instance ID).
 * Verdicts published while an instance was down answered requests that already timed out, so starting at the end
 * loses nothing anyone waits for.
 */
public final class VerdictConsumer implements AutoCloseable {
    private final PendingVerdicts pending;
    private BusConsumer consumer;

    public VerdictConsumer(PendingVerdicts pending) {
        this.pending = requireNonNull(pending, "pending is null");
    }

    /** Starts reading; returns once positioned, so a verdict for an input published afterwards is seen. */
    public synchronized VerdictConsumer start(Bus bus) {
        consumer = bus.tail(List.of(Topics.ROOMSERVER_VERDICTS), this::handle);
        return this;
    }

    private Mono<Void> handle(BusRecord record) {
        if (pending.instanceId().equals(record.key())) {
            pending.complete(BusJson.decode(record.payload(), InputVerdict.class));
        }
        return Mono.empty();
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }
}
