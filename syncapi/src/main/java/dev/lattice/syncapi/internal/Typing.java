package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.ephemeral.TypingUpdate;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Typing notifications: {@code PUT /rooms/{roomId}/typing/{userId}} checked and published on {@code ephemeral.typing};
 * every published update applied to this process's {@link TypingRooms} (each syncapi process reads them all); expiry;
 * and waking the room's members' {@code /sync}.
 */
public final class Typing {
    /** Synapse's default when a client gives no timeout. */
    static final long DEFAULT_TIMEOUT_MILLIS = 30_000;
    /** Synapse's cap: a client cannot keep a user "typing" for hours with one request. */
    static final long MAX_TIMEOUT_MILLIS = 120_000;

    private final SyncApiDatabase database;
    private final TypingRooms rooms;
    private final SyncNotifier notifier;
    private final Function<TypingUpdate, Mono<Void>> publish;
    private final Clock clock;

    /** @param publish publishes an update on {@code ephemeral.typing} */
    public Typing(
            SyncApiDatabase database,
            TypingRooms rooms,
            SyncNotifier notifier,
            Function<TypingUpdate, Mono<Void>> publish,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.rooms = requireNonNull(rooms, "rooms is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.publish = requireNonNull(publish, "publish is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * {@code PUT /rooms/{roomId}/typing/{userId}}: only for oneself (403 {@code M_FORBIDDEN}), only in a room one is
     * joined to (403 {@code M_FORBIDDEN}); {@code typing} is required (400 {@code M_MISSING_PARAM}) and a boolean,
     * {@code timeout} a non-negative integer (400 {@code M_BAD_JSON}), capped at {@value #MAX_TIMEOUT_MILLIS} ms.
     */
    public Mono<Void> set(AuthenticatedDevice device, RoomId roomId, UserId userId, JsonObject body) {
        if (!userId.equals(device.userId())) {
            throw new MatrixException(ErrorCode.FORBIDDEN, "Cannot set another user's typing state");
        }
        boolean typing = switch (body.get("typing").orElse(null)) {
            case null -> throw new MatrixException(ErrorCode.MISSING_PARAM, "typing is required");
            case JsonBool value -> value.value();
            default -> throw new MatrixException(ErrorCode.BAD_JSON, "typing must be a boolean");
        };
        long timeout = timeout(body.get("timeout"));
        String user = userId.toString();
        return database.currentPosition()
                .flatMap(position -> database.membershipsAt(user, position))
                .flatMap(memberships -> {
                    boolean joined = Optional.ofNullable(memberships.get(roomId.toString()))
                            .map(span -> span.membershipOrEmpty().equals("join"))
                            .orElse(false);
                    if (!joined) {
                        return Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "You are not in this room"));
                    }
                    return publish.apply(TypingUpdate.of(roomId, userId, typing, timeout));
                });
    }

    private static long timeout(Optional<CanonicalJsonValue> value) {
        return switch (value.orElse(null)) {
            case null -> DEFAULT_TIMEOUT_MILLIS;
            case JsonInteger integer when integer.value() >= 0 -> Math.min(integer.value(), MAX_TIMEOUT_MILLIS);
            default -> throw new MatrixException(ErrorCode.BAD_JSON, "timeout must be a non-negative integer");
        };
    }

    /** Applies a published update to this process's typing state, waking the room's members if it changed. */
    public Mono<Void> apply(TypingUpdate update) {
        long expiresAt = clock.millis() + Math.min(Math.max(0, update.timeoutMillis()), MAX_TIMEOUT_MILLIS);
        return rooms.update(update.roomId().toString(), update.userId().toString(), update.typing(), expiresAt)
                .map(change -> wake(List.of(change)))
                .orElse(Mono.empty());
    }

    /** Drops expired typing users, waking the members of the rooms that changed. */
    public Mono<Void> expire() {
        return wake(rooms.expire(clock.millis()));
    }

    private Mono<Void> wake(List<TypingRooms.Change> changes) {
        if (changes.isEmpty()) {
            return Mono.empty();
        }
        return database.currentPosition()
                .flatMapMany(position -> Flux.fromIterable(changes)
                        .concatMap(change -> database.usersToNotify(change.roomId(), position)
                                .doOnNext(users -> notifier.notify(SyncStream.TYPING, users, change.position()))))
                .then();
    }
}
