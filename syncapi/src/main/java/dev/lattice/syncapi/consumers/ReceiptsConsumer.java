package dev.lattice.syncapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.ephemeral.ReceiptUpdate;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.syncapi.internal.SyncNotifier;
import dev.lattice.syncapi.internal.SyncStream;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import reactor.core.publisher.Mono;

/**
 * Consumes {@code ephemeral.receipts} (consumer group {@code syncapi}) into the receipts stream, then wakes the room's
 * members' {@code /sync}. A replayed or older record changes nothing and wakes nobody; a version newer than this one
 * understands is skipped; a record that does not decode is poison (parked); database failures are retried.
 */
public final class ReceiptsConsumer {

    private final SyncApiDatabase database;
    private final SyncNotifier notifier;

    public ReceiptsConsumer(SyncApiDatabase database, SyncNotifier notifier) {
        this.database = requireNonNull(database, "database is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return VersionedRecords.handle(record, ReceiptUpdate.VERSION, ReceiptUpdate.class, this::store);
    }

    private Mono<Void> store(ReceiptUpdate receipt) {
        String roomId = receipt.roomId().toString();
        return database.storeReceipt(
                        roomId,
                        receipt.userId().toString(),
                        receipt.receiptType(),
                        receipt.threadId(),
                        receipt.eventId().toString(),
                        receipt.ts())
                .flatMap(position -> {
                    if (position.isEmpty()) {
                        return Mono.empty();
                    }
                    long stored = position.getAsLong();
                    return database.currentPosition()
                            .flatMap(events -> database.usersToNotify(roomId, events))
                            .doOnNext(users -> notifier.notify(SyncStream.RECEIPTS, users, stored))
                            .then();
                });
    }
}
