package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.auth.AuthEventTypes;
import dev.lattice.protocol.auth.PowerLevels;
import dev.lattice.protocol.auth.RoomCreators;
import dev.lattice.protocol.event.RoomEvent;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.AuthorizationRules;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Local joins to restricted rooms (<a href="https://spec.matrix.org/v1.19/client-server-api/#restricted-rooms">spec</a>;
 * room versions 8+, {@code knock_restricted} from 10): the auth rules let a user who is not invited join only when
 * {@code join_authorised_via_users_server} names a joined user with the invite level whose server signed the join.
 * Checking that the user meets the {@code allow} conditions is that server's job, so this server, resident in the
 * room, checks the user's membership of an allowed room and names one of its own users, as Synapse does
 * ({@code _should_perform_remote_join}, {@code get_user_which_could_invite}). The join is signed by this server, so
 * the signature the auth rules require is there.
 */
final class RestrictedJoins {
    private static final String AUTHORISER = "join_authorised_via_users_server";

    private final RoomEvents events;
    private final Supplier<? extends RoomserverQueryApi> roomserver;

    RestrictedJoins(RoomEvents events, Supplier<? extends RoomserverQueryApi> roomserver) {
        this.events = requireNonNull(events, "events is null");
        this.roomserver = requireNonNull(roomserver, "roomserver is null");
    }

    /**
     * The content of {@code user}'s join with the authoriser added when the room is restricted, the user is neither
     * joined nor invited, and is joined to one of the allowed rooms. Otherwise the content as it is: a user who meets
     * no condition is then refused by the auth rules (403 {@code M_FORBIDDEN}).
     *
     * @throws MatrixException 400 {@code M_UNABLE_TO_GRANT_JOIN} when the user may join but no local user could
     *     authorise it (Synapse's answer)
     */
    Mono<JsonObject> authorise(RoomId room, RoomVersionRules rules, UserId user, JsonObject content) {
        AuthorizationRules auth = rules.authorization();
        if (!auth.restrictedJoinRule()) {
            return Mono.just(content);
        }
        // The join rule alone first: the whole state (every member of a big room) is read only for a restricted room.
        return roomserver
                .get()
                .queryCurrentStateEvent(room, AuthEventTypes.JOIN_RULES, "")
                .flatMap(joinRules -> {
                    String joinRule = joinRules
                            .flatMap(event -> event.content().getString("join_rule"))
                            .orElse("");
                    boolean restricted = joinRule.equals(AuthEventTypes.RESTRICTED)
                            || (auth.knockRestrictedJoinRule() && joinRule.equals(AuthEventTypes.KNOCK_RESTRICTED));
                    return restricted
                            ? authoriseRestricted(room, rules, user, content, allowedRooms(joinRules))
                            : Mono.just(content);
                });
    }

    private Mono<JsonObject> authoriseRestricted(
            RoomId room, RoomVersionRules rules, UserId user, JsonObject content, List<RoomId> allowedRooms) {
        return roomserver.get().queryCurrentState(room).flatMap(state -> {
            String current = membership(state, user.value());
            if (current.equals(AuthEventTypes.JOIN) || current.equals(AuthEventTypes.INVITE)) {
                return Mono.just(content);
            }
            return Flux.fromIterable(allowedRooms)
                    .concatMap(allowed -> roomserver.get().queryMembership(allowed, user))
                    .any(membership -> membership
                            .map(RoomMembership::membership)
                            .filter(AuthEventTypes.JOIN::equals)
                            .isPresent())
                    .map(allowed ->
                            allowed ? content.with(AUTHORISER, JsonString.of(authoriser(rules, state))) : content);
        });
    }

    /** The joined local user with the highest power level at or above the invite level (ties: the smallest ID). */
    private String authoriser(RoomVersionRules rules, List<StoredEvent> state) {
        AuthorizationRules auth = rules.authorization();
        Optional<RoomEvent> create =
                find(state, AuthEventTypes.CREATE, "").map(event -> RoomEvents.parse(rules, event));
        Optional<PowerLevels> powerLevels = find(state, AuthEventTypes.POWER_LEVELS, "")
                .map(event ->
                        PowerLevels.read(auth, RoomEvents.parse(rules, event).content()));
        long inviteLevel = powerLevels.orElse(PowerLevels.DEFAULTS).invite();
        record Candidate(String userId, long level) {}
        List<Candidate> candidates = new ArrayList<>();
        for (StoredEvent event : state) {
            if (!event.type().equals(AuthEventTypes.MEMBER)
                    || event.content()
                            .getString("membership")
                            .filter(AuthEventTypes.JOIN::equals)
                            .isEmpty()
                    || !isLocal(event.stateKey())) {
                continue;
            }
            long level = RoomCreators.powerLevel(auth, create, powerLevels, event.stateKey());
            if (level >= inviteLevel) {
                candidates.add(new Candidate(event.stateKey(), level));
            }
        }
        return candidates.stream()
                .min(Comparator.comparingLong(Candidate::level).reversed().thenComparing(Candidate::userId))
                .map(Candidate::userId)
                .orElseThrow(() -> new MatrixException(
                                ErrorCode.UNABLE_TO_GRANT_JOIN, "No user on this server could authorise the join")
                        .withHttpStatus(400));
    }

    private boolean isLocal(String userId) {
        try {
            return UserId.parse(userId).serverName().equals(events.serverName());
        } catch (InvalidIdException e) {
            return false;
        }
    }

    /** The rooms of the join rules' {@code m.room_membership} conditions; other condition types are not met here. */
    private static List<RoomId> allowedRooms(Optional<StoredEvent> joinRules) {
        List<RoomId> rooms = new ArrayList<>();
        joinRules.flatMap(event -> event.content().getArray("allow")).ifPresent(allow -> {
            for (CanonicalJsonValue condition : allow.values()) {
                if (condition instanceof JsonObject c
                        && c.getString("type")
                                .filter("m.room_membership"::equals)
                                .isPresent()) {
                    c.getString("room_id").ifPresent(id -> {
                        try {
                            rooms.add(RoomId.parse(id));
                        } catch (InvalidIdException e) {
                            // A malformed condition allows nobody.
                        }
                    });
                }
            }
        });
        return rooms;
    }

    private static String membership(List<StoredEvent> state, String userId) {
        return find(state, AuthEventTypes.MEMBER, userId)
                .flatMap(event -> event.content().getString("membership"))
                .orElse(AuthEventTypes.LEAVE);
    }

    private static Optional<StoredEvent> find(List<StoredEvent> state, String type, String stateKey) {
        return state.stream()
                .filter(event -> event.type().equals(type) && stateKey.equals(event.stateKey()))
                .findFirst();
    }
}
