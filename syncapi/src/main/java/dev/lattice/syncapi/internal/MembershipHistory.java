package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A user's membership history in a room as the read endpoints ({@code /messages}, {@code /event}, {@code /members})
 * judge access by it: none at all once the user forgot the room, so a forgotten room answers as one they were never
 * in (Synapse: "forgotten rooms are treated as if the user was never in them"). The forgotten rooms are the
 * client-api's ({@link UserApi#queryForgottenRooms}), asked at each read rather than copied here: they change rarely,
 * are read rarely, and asking keeps one source of truth with no lag.
 */
public final class MembershipHistory {
    private final SyncApiDatabase database;
    private final Supplier<UserApi> users;

    /** @param users the client-api, resolved on first use */
    public MembershipHistory(SyncApiDatabase database, Supplier<UserApi> users) {
        this.database = requireNonNull(database, "database is null");
        this.users = requireNonNull(users, "users is null");
    }

    /** Every membership span of {@code user} in {@code roomId}, oldest first; empty for a forgotten room. */
    public Mono<List<StateSpan>> of(String roomId, String user) {
        return Mono.zip(database.membershipHistory(roomId, user), forgotten(user))
                .map(loaded -> loaded.getT2().contains(RoomId.parse(roomId)) ? List.of() : loaded.getT1());
    }

    /** The rooms {@code user} forgot. */
    public Mono<Set<RoomId>> forgotten(String user) {
        return users.get().queryForgottenRooms(UserId.parse(user));
    }
}
