package dev.lattice.keyserver.producers;

import dev.lattice.api.Topics;
import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.outbox.OutboxWriter;
import reactor.core.publisher.Mono;

/**
 * The producer of {@code keyserver.output}: {@link DeviceListChange} records keyed by user ID, enqueued in the
 * keyserver's outbox within the transaction of the key change they announce, so published only after it committed
 * (and after a crash, by the outbox's sweeper).
 */
public final class KeyserverOutputProducer {

    private KeyserverOutputProducer() {}

    /** Writes the record to {@code writer}'s outbox, in the transaction of the change it announces. */
    public static Mono<Void> enqueue(OutboxWriter writer, DeviceListChange change) {
        return Mono.fromCallable(() -> BusJson.encode(change))
                .flatMap(bytes ->
                        writer.enqueue(Topics.KEYSERVER_OUTPUT, change.userId().toString(), bytes));
    }
}
