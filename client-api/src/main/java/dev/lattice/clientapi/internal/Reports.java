package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Reporting content to the server's administrators: {@code POST /rooms/{roomId}/report/{eventId}} (an event the
 * reporter can see; {@code 404 M_NOT_FOUND} otherwise, whether it does not exist or is hidden) and
 * {@code POST /rooms/{roomId}/report} (a room the reporter is or was a member of; {@code 404 M_NOT_FOUND}
 * otherwise). {@code reason} a string, {@code score} an integer from -100 to 0 (400 {@code M_BAD_JSON} /
 * {@code M_INVALID_PARAM}). Reports are stored ({@code clientapi.reports}) and logged for the operator.
 */
public final class Reports {
    private static final Logger log = LoggerFactory.getLogger(Reports.class);

    private final ClientApiDatabase database;
    private final Supplier<? extends RoomserverQueryApi> roomserver;
    private final Clock clock;

    public Reports(ClientApiDatabase database, Supplier<? extends RoomserverQueryApi> roomserver, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Mono<Map<String, Object>> reportEvent(
            AuthenticatedDevice device, String roomId, String eventId, JsonObject body) {
        return Mono.defer(() -> {
            RoomId room = roomId(roomId);
            Optional<String> reason = reason(body);
            Optional<Long> score = switch (body.get("score").orElse(null)) {
                case null -> Optional.empty();
                case JsonInteger value when value.value() >= -100 && value.value() <= 0 -> Optional.of(value.value());
                case JsonInteger ignored ->
                    throw new MatrixException(ErrorCode.INVALID_PARAM, "score must be between -100 and 0");
                default -> throw new MatrixException(ErrorCode.BAD_JSON, "score must be an integer");
            };
            EventId event;
            try {
                event = EventId.parse(eventId);
            } catch (InvalidIdException e) {
                throw notFound("Event not found");
            }
            return roomserver
                    .get()
                    .queryEventForUser(event, device.userId())
                    .flatMap(found -> {
                        if (found.isEmpty()
                                || !found.get().visible()
                                || !found.get().event().roomId().equals(room)) {
                            return Mono.error(notFound("Event not found"));
                        }
                        log.warn("report of event {} in {} by {}: {}", event, room, device.userId(), reason.orElse(""));
                        return database.storeReport(
                                device.userId().localpart(),
                                room.toString(),
                                Optional.of(event.toString()),
                                reason,
                                score,
                                clock.millis());
                    })
                    .thenReturn(Map.of());
        });
    }

    public Mono<Map<String, Object>> reportRoom(AuthenticatedDevice device, String roomId, JsonObject body) {
        return Mono.defer(() -> {
            RoomId room = roomId(roomId);
            Optional<String> reason = reason(body);
            return roomserver
                    .get()
                    .queryMembership(room, device.userId())
                    .flatMap(membership -> {
                        if (membership.map(RoomMembership::membership).isEmpty()) {
                            return Mono.error(notFound("Room not found"));
                        }
                        log.warn("report of room {} by {}: {}", room, device.userId(), reason.orElse(""));
                        return database.storeReport(
                                device.userId().localpart(),
                                room.toString(),
                                Optional.empty(),
                                reason,
                                Optional.empty(),
                                clock.millis());
                    })
                    .thenReturn(Map.of());
        });
    }

    private static Optional<String> reason(JsonObject body) {
        CanonicalJsonValue value = body.get("reason").orElse(null);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof JsonString string) {
            return Optional.of(string.value());
        }
        throw new MatrixException(ErrorCode.BAD_JSON, "reason must be a string");
    }

    private static RoomId roomId(String value) {
        try {
            return RoomId.parse(value);
        } catch (InvalidIdException e) {
            throw notFound("Room not found");
        }
    }

    private static MatrixException notFound(String message) {
        return new MatrixException(ErrorCode.NOT_FOUND, message);
    }
}
