package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.event.HistoryVisibility;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * {@code GET /rooms/{roomId}/members} and {@code GET /rooms/{roomId}/joined_members}, from the room's state history.
 * Who may read what follows Synapse ({@code MessageHandler.get_state_events} and {@code get_joined_members}):
 * <ul>
 *   <li>{@code /members} without {@code at}: a joined user gets the current members; a user whose membership is
 *       {@code leave} (left, kicked, or rejected an invite) gets the members as of their leave; anyone else (invited,
 *       banned, never in the room, unknown room) only if the room is {@code world_readable} now, with the current
 *       members, else {@code 403 M_FORBIDDEN}.
 *   <li>{@code /members} with {@code at}: the members after the room's last event at or before the token
 *       ({@code 404 M_NOT_FOUND} when there is none), if the user could see the state there: joined then; or
 *       invited then unless the visibility then was {@code joined}; or visibility {@code world_readable}; or
 *       visibility {@code shared} and joined now. Else {@code 403 M_FORBIDDEN}.
 *   <li>{@code /joined_members}: only for a user joined now, or anyone when the room is {@code world_readable} now;
 *       else {@code 403 M_FORBIDDEN}. Display names and avatars come from the member events' content.
 * </ul>
 * In a room this server joined with partial state, both wait until the member list is complete (at most
 * {@link #FULL_STATE_WAIT}), as Synapse's do: clients take {@code /members} for whom to encrypt to.
 */
public final class RoomMembers {
    private static final Set<String> MEMBERSHIPS = Set.of("join", "invite", "knock", "leave", "ban");

    /**
     * One {@code /members} request.
     *
     * @param at the point to read the members at; empty for the user's own point (now, or when they left)
     * @param membership only members with this membership
     * @param notMembership no members with this membership
     */
    public record MembersRequest(
            AuthenticatedDevice device,
            String roomId,
            Optional<StreamToken> at,
            Optional<String> membership,
            Optional<String> notMembership) {

        public MembersRequest {
            requireNonNull(device, "device is null");
            requireNonNull(roomId, "roomId is null");
            requireNonNull(at, "at is null");
            requireNonNull(membership, "membership is null");
            requireNonNull(notMembership, "notMembership is null");
        }
    }

    /** The longest a member list waits for a partial state to complete; then it answers what is held. */
    static final Duration FULL_STATE_WAIT = Duration.ofSeconds(60);

    private static final Duration FULL_STATE_POLL = Duration.ofMillis(250);

    private final SyncApiDatabase database;
    private final MembershipHistory memberships;
    private final Clock clock;

    public RoomMembers(SyncApiDatabase database, MembershipHistory memberships, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.memberships = requireNonNull(memberships, "memberships is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * A {@code membership}/{@code not_membership} value, checked against the spec's enum.
     *
     * @throws MatrixException {@code 400 M_INVALID_PARAM} for any other value
     */
    public static String membershipParameter(String value, String parameter) {
        if (!MEMBERSHIPS.contains(value)) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, parameter + " must be one of " + MEMBERSHIPS);
        }
        return value;
    }

    /** The {@code /members} response body. */
    public Mono<JsonObject> members(MembersRequest request) {
        return fullState(request.roomId()).then(Mono.defer(() -> readMembers(request)));
    }

    /** Completes once the room's state is not partial, or after {@link #FULL_STATE_WAIT}. */
    private Mono<Void> fullState(String roomId) {
        return database.isPartialState(roomId)
                .filter(partial -> !partial)
                .repeatWhenEmpty(attempts -> attempts.delayElements(FULL_STATE_POLL))
                .timeout(FULL_STATE_WAIT, Mono.just(true))
                .then();
    }

    private Mono<JsonObject> readMembers(MembersRequest request) {
        String user = request.device().userId().toString();
        Mono<Long> position = request.at().isPresent()
                ? positionAt(request.roomId(), user, request.at().get().events())
                : ownPosition(request.roomId(), user);
        return position.flatMap(at -> database.stateAt(request.roomId(), at))
                .flatMap(state -> {
                    List<String> ids = state.stream()
                            .filter(span -> span.type().equals("m.room.member"))
                            .filter(span -> request.membership()
                                    .map(span.membershipOrEmpty()::equals)
                                    .orElse(true))
                            .filter(span -> !request.notMembership()
                                    .map(span.membershipOrEmpty()::equals)
                                    .orElse(false))
                            .map(StateSpan::eventId)
                            .toList();
                    return database.events(ids);
                })
                .map(events -> {
                    long now = clock.millis();
                    List<CanonicalJsonValue> chunk = new ArrayList<>(events.size());
                    events.stream()
                            .sorted(Comparator.comparingLong(StoredEvent::position))
                            .forEach(event -> chunk.add(event.toClient(request.device(), now, true)));
                    return new JsonObjectBuilder()
                            .put("chunk", new JsonArray(chunk))
                            .build();
                });
    }

    /** The {@code /joined_members} response body. */
    public Mono<JsonObject> joinedMembers(AuthenticatedDevice device, String roomId) {
        String user = device.userId().toString();
        return fullState(roomId)
                .then(Mono.defer(() -> Mono.zip(database.currentPosition(), memberships.of(roomId, user))))
                .flatMap(loaded -> {
                    long position = loaded.getT1();
                    Mono<Void> allowed = currentMembership(loaded.getT2()).equals("join")
                            ? Mono.empty()
                            : worldReadableOr(
                                    roomId,
                                    position,
                                    "Getting joined members while not being a current member of"
                                            + " the room is forbidden");
                    return allowed.then(database.stateAt(roomId, position));
                })
                .flatMap(state -> database.events(state.stream()
                        .filter(span -> span.type().equals("m.room.member")
                                && span.membershipOrEmpty().equals("join"))
                        .map(StateSpan::eventId)
                        .toList()))
                .map(events -> {
                    JsonObjectBuilder joined = new JsonObjectBuilder();
                    for (StoredEvent event : events) {
                        // A key only with a (string) value: the spec's RoomMember has strings there, never null
                        // (Synapse answers null for a missing one; its schema does not allow that).
                        JsonObject content = event.content();
                        JsonObjectBuilder member = new JsonObjectBuilder();
                        content.getString("displayname").ifPresent(name -> member.put("display_name", name));
                        content.getString("avatar_url").ifPresent(url -> member.put("avatar_url", url));
                        joined.put(event.stateKey().orElseThrow(), member.build());
                    }
                    return new JsonObjectBuilder().put("joined", joined.build()).build();
                });
    }

    /** Without {@code at}: now for a joined user (or anyone, world-readable), the leave for a user who left. */
    private Mono<Long> ownPosition(String roomId, String user) {
        return Mono.zip(database.currentPosition(), memberships.of(roomId, user))
                .flatMap(loaded -> {
                    long now = loaded.getT1();
                    Optional<StateSpan> latest = latest(loaded.getT2());
                    String membership = latest.map(StateSpan::membershipOrEmpty).orElse("");
                    return switch (membership) {
                        case "join" -> Mono.just(now);
                        case "leave" -> Mono.just(latest.get().addedPosition());
                        default ->
                            worldReadableOr(
                                            roomId,
                                            now,
                                            "You aren't a member of the room and weren't previously a"
                                                    + " member of the room")
                                    .thenReturn(now);
                    };
                });
    }

    /**
     * With {@code at}: the position of the room's last event at or before the token (its first event when the token
     * is from before it), if the user could see the state there (Synapse's {@code _user_can_see_state_at_event}).
     */
    private Mono<Long> positionAt(String roomId, String user, long token) {
        // NOTSPEC: with no event at or before the token, Synapse answers 404 ("Can't find event for token"). Such a
        // token is one we hand out: the prev_batch of a timeline that starts at m.room.create, or the since of the
        // sync that first showed the room, and the spec names prev_batch as what `at` takes; so it means the start
        // of the room's timeline (the state after its first event: no members yet), and only a room without any
        // event is not found. matrix-js-sdk keeps the members it already has from an empty answer; a 404 fails it.
        Mono<Long> lastEvent = database.roomEvents(roomId, Long.MIN_VALUE, token, 1, true)
                .flatMap(events -> events.isEmpty()
                        ? database.roomEvents(roomId, token, Long.MAX_VALUE, 1, false)
                        : Mono.just(events))
                .flatMap(events -> events.isEmpty()
                        ? Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "No event in the room at that token"))
                        : Mono.just(events.getFirst().position()));
        return lastEvent.flatMap(position -> Mono.zip(
                        memberships.of(roomId, user), database.historyVisibilityAt(roomId, position))
                .flatMap(loaded -> {
                    List<StateSpan> memberships = loaded.getT1();
                    String membershipThen = EventVisibility.membershipAt(memberships, position);
                    String visibility = HistoryVisibility.normalize(loaded.getT2());
                    boolean allowed = membershipThen.equals("join")
                            || (!visibility.equals(HistoryVisibility.JOINED) && membershipThen.equals("invite"))
                            || visibility.equals(HistoryVisibility.WORLD_READABLE)
                            || (visibility.equals(HistoryVisibility.SHARED)
                                    && currentMembership(memberships).equals("join"));
                    return allowed
                            ? Mono.just(position)
                            : Mono.error(new MatrixException(
                                    ErrorCode.FORBIDDEN, "You may not view the members of this room at that token"));
                }));
    }

    private Mono<Void> worldReadableOr(String roomId, long position, String message) {
        return database.historyVisibilityAt(roomId, position)
                .flatMap(visibility -> HistoryVisibility.normalize(visibility).equals(HistoryVisibility.WORLD_READABLE)
                        ? Mono.empty()
                        : Mono.error(new MatrixException(ErrorCode.FORBIDDEN, message)));
    }

    private static Optional<StateSpan> latest(List<StateSpan> memberships) {
        return memberships.stream()
                .filter(span -> span.removedPosition().isEmpty())
                .findFirst();
    }

    private static String currentMembership(List<StateSpan> memberships) {
        return latest(memberships).map(StateSpan::membershipOrEmpty).orElse("");
    }
}
