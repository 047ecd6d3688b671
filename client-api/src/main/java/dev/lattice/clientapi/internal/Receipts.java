package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.ephemeral.ReceiptUpdate;
import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.clientapi.producers.ClientApiOutputProducer;
import dev.lattice.clientapi.producers.ReceiptProducer;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.outbox.OutboxWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Read receipts and the fully-read marker: {@code POST /rooms/{roomId}/receipt/{receiptType}/{eventId}} and
 * {@code POST /rooms/{roomId}/read_markers}. Receipts ({@code m.read}, {@code m.read.private}) are published on
 * {@code ephemeral.receipts} for the syncapi to store and serve; the fully-read marker is the room account data
 * {@code m.fully_read}, set here. Both in one outbox transaction, committed before the answer.
 *
 * <p>Checked first, nothing stored on failure: the receipt type ({@code 400 M_INVALID_PARAM}), {@code thread_id} (a
 * non-empty string, never on {@code m.fully_read}: {@code 400 M_INVALID_PARAM}), the caller's membership (joined,
 * else {@code 403 M_FORBIDDEN}), and every event: in this room and visible to the caller, else
 * {@code 404 M_NOT_FOUND}.
 */
public final class Receipts {
    static final String READ = "m.read";
    static final String READ_PRIVATE = "m.read.private";
    static final String FULLY_READ = "m.fully_read";

    private final ClientApiDatabase database;
    private final Supplier<? extends RoomserverQueryApi> roomserver;
    private final Clock clock;

    public Receipts(ClientApiDatabase database, Supplier<? extends RoomserverQueryApi> roomserver, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** {@code POST /rooms/{roomId}/receipt/{receiptType}/{eventId}}; {@code body} may hold {@code thread_id}. */
    public Mono<Map<String, Object>> receipt(
            AuthenticatedDevice device, String roomId, String receiptType, String eventId, JsonObject body) {
        return Mono.defer(() -> {
            RoomId room = roomId(roomId);
            if (!receiptType.equals(READ) && !receiptType.equals(READ_PRIVATE) && !receiptType.equals(FULLY_READ)) {
                throw new MatrixException(
                        ErrorCode.INVALID_PARAM, "Receipt type must be m.read, m.read.private or m.fully_read");
            }
            Optional<String> threadId = threadId(body);
            if (threadId.isPresent() && receiptType.equals(FULLY_READ)) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "thread_id cannot be used with m.fully_read");
            }
            EventId event = eventId(eventId);
            if (receiptType.equals(FULLY_READ)) {
                return store(device, room, Optional.of(event), Map.of(), Optional.empty());
            }
            return store(device, room, Optional.empty(), Map.of(receiptType, event), threadId);
        });
    }

    /** {@code POST /rooms/{roomId}/read_markers}: any of {@code m.fully_read}, {@code m.read}, {@code m.read.private}. */
    public Mono<Map<String, Object>> readMarkers(AuthenticatedDevice device, String roomId, JsonObject body) {
        return Mono.defer(() -> {
            RoomId room = roomId(roomId);
            Optional<EventId> fullyRead = marker(body, FULLY_READ);
            Map<String, EventId> receipts = new LinkedHashMap<>();
            marker(body, READ).ifPresent(event -> receipts.put(READ, event));
            marker(body, READ_PRIVATE).ifPresent(event -> receipts.put(READ_PRIVATE, event));
            return store(device, room, fullyRead, receipts, Optional.empty());
        });
    }

    private Mono<Map<String, Object>> store(
            AuthenticatedDevice device,
            RoomId room,
            Optional<EventId> fullyRead,
            Map<String, EventId> receipts,
            Optional<String> threadId) {
        List<EventId> events = new ArrayList<>(receipts.values());
        fullyRead.ifPresent(events::add);
        long now = clock.millis();
        return requireJoined(device, room)
                .thenMany(Flux.fromIterable(events).concatMap(event -> requireVisible(device, room, event)))
                .then(Mono.defer(() -> {
                    List<ReceiptUpdate> updates = new ArrayList<>();
                    receipts.forEach((type, event) ->
                            updates.add(ReceiptUpdate.of(room, device.userId(), type, event, threadId, now)));
                    if (fullyRead.isEmpty()) {
                        return updates.isEmpty()
                                ? Mono.<Void>empty()
                                : database.inOutboxTransaction(writer -> enqueue(writer, updates));
                    }
                    String content = CanonicalJson.encodeToString(new JsonObjectBuilder()
                            .put("event_id", fullyRead.get().toString())
                            .build());
                    return database.putAccountData(
                                    device.userId().localpart(),
                                    room.toString(),
                                    FULLY_READ,
                                    content,
                                    (writer, streamId) -> ClientApiOutputProducer.enqueue(
                                                    writer,
                                                    AccountDataChanged.of(
                                                            device.userId(), Optional.of(room), FULLY_READ, streamId))
                                            .then(enqueue(writer, updates)))
                            .then();
                }))
                .thenReturn(Map.of());
    }

    private static Mono<Void> enqueue(OutboxWriter writer, List<ReceiptUpdate> updates) {
        return Flux.fromIterable(updates)
                .concatMap(update -> ReceiptProducer.enqueue(writer, update))
                .then();
    }

    private Mono<Void> requireJoined(AuthenticatedDevice device, RoomId room) {
        return roomserver
                .get()
                .queryMembership(room, device.userId())
                .flatMap(membership ->
                        membership.map(RoomMembership::membership).orElse("").equals("join")
                                ? Mono.<Void>empty()
                                : Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "You are not in this room")));
    }

    private Mono<Void> requireVisible(AuthenticatedDevice device, RoomId room, EventId event) {
        return roomserver
                .get()
                .queryEventForUser(event, device.userId())
                .flatMap(found -> found.isPresent()
                                && found.get().visible()
                                && found.get().event().roomId().equals(room)
                        ? Mono.<Void>empty()
                        : Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "Event not found")));
    }

    private static Optional<String> threadId(JsonObject body) {
        return switch (body.get("thread_id").orElse(null)) {
            case null -> Optional.empty();
            case JsonString value when !value.value().isEmpty() -> Optional.of(value.value());
            default -> throw new MatrixException(ErrorCode.INVALID_PARAM, "thread_id must be a non-empty string");
        };
    }

    private static Optional<EventId> marker(JsonObject body, String key) {
        Optional<CanonicalJsonValue> value = body.get(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!(value.get() instanceof JsonString string)) {
            throw new MatrixException(ErrorCode.BAD_JSON, key + " must be an event ID");
        }
        return Optional.of(eventId(string.value()));
    }

    /** An event ID that cannot exist is simply not found. */
    private static EventId eventId(String value) {
        try {
            return EventId.parse(value);
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.NOT_FOUND, "Event not found");
        }
    }

    private static RoomId roomId(String value) {
        try {
            return RoomId.parse(value);
        } catch (InvalidIdException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid room ID: " + e.getMessage());
        }
    }
}
