package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.StoredPositions;
import dev.lattice.syncapi.storage.StoredReceipt;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * The receipts stream of {@code /sync}: one {@code m.receipt} event in a joined room's {@code ephemeral} with the
 * receipts that moved since {@code since} (every stored receipt of the room, in an initial sync or with
 * {@code full_state}). {@code m.read.private} receipts are shown to their owner only.
 */
public final class ReceiptsStream implements SyncStreamProvider {
    private static final String READ_PRIVATE = "m.read.private";

    private final SyncApiDatabase database;

    public ReceiptsStream(SyncApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    @Override
    public SyncStream stream() {
        return SyncStream.RECEIPTS;
    }

    @Override
    public long currentPosition(StoredPositions stored) {
        return stored.receipts();
    }

    @Override
    public Mono<Long> contribute(SyncContext context) {
        long position = context.position(SyncStream.RECEIPTS);
        long since = context.snapshot() ? 0 : context.since(SyncStream.RECEIPTS).orElse(0L);
        if (context.unchanged(SyncStream.RECEIPTS)) {
            return Mono.just(position); // no receipt since: no query
        }
        String user = context.user();
        return context.joinedRooms()
                .flatMap(rooms -> database.receipts(rooms, since, position))
                .doOnNext(receipts -> receipts.stream()
                        .filter(receipt -> !receipt.receiptType().equals(READ_PRIVATE)
                                || receipt.userId().equals(user))
                        .collect(Collectors.groupingBy(StoredReceipt::roomId, TreeMap::new, Collectors.toList()))
                        .forEach((roomId, inRoom) ->
                                context.response().joined(roomId).addEphemeral(receiptEvent(inRoom))))
                .thenReturn(position);
    }

    /** {@code {"type": "m.receipt", "content": {event: {type: {user: {ts, thread_id?}}}}}}. */
    static JsonObject receiptEvent(List<StoredReceipt> receipts) {
        Map<String, Map<String, Map<String, CanonicalJsonValue>>> byEvent = new TreeMap<>();
        for (StoredReceipt receipt : receipts) {
            JsonObjectBuilder entry = new JsonObjectBuilder().put("ts", receipt.ts());
            receipt.threadId().ifPresent(thread -> entry.put("thread_id", thread));
            byEvent.computeIfAbsent(receipt.eventId(), id -> new TreeMap<>())
                    .computeIfAbsent(receipt.receiptType(), type -> new TreeMap<>())
                    .put(receipt.userId(), entry.build());
        }
        Map<String, CanonicalJsonValue> content = new TreeMap<>();
        byEvent.forEach((eventId, types) -> {
            Map<String, CanonicalJsonValue> typesJson = new TreeMap<>();
            types.forEach((type, users) -> typesJson.put(type, JsonObject.of(users)));
            content.put(eventId, JsonObject.of(typesJson));
        });
        return new JsonObjectBuilder()
                .put("type", "m.receipt")
                .put("content", JsonObject.of(content))
                .build();
    }
}
