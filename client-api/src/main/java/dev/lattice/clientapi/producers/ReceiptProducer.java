package dev.lattice.clientapi.producers;

import dev.lattice.api.Topics;
import dev.lattice.api.ephemeral.ReceiptUpdate;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.outbox.OutboxWriter;
import reactor.core.publisher.Mono;

/**
 * The client-api's producer of {@code ephemeral.receipts}: {@link ReceiptUpdate} records keyed by room ID, enqueued
 * in the client-api's outbox, so a receipt the client was answered 200 for is published even across a crash.
 */
public final class ReceiptProducer {

    private ReceiptProducer() {}

    /** Writes the record to {@code writer}'s outbox, in the transaction of the request. */
    public static Mono<Void> enqueue(OutboxWriter writer, ReceiptUpdate receipt) {
        return Mono.fromCallable(() -> BusJson.encode(receipt))
                .flatMap(bytes -> writer.enqueue(
                        Topics.EPHEMERAL_RECEIPTS, receipt.roomId().toString(), bytes));
    }
}
