package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.keyserver.QueryDeviceKeyCountsApi;
import dev.lattice.protocol.event.ClientEventFormat;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /_matrix/client/v3/sync}: the rooms a user is in, was invited to or left, as an initial snapshot or as
 * the delta since a {@link SyncToken}, waiting (long-polling) for something to arrive when there is nothing yet.
 *
 * <p>Everything is computed at one position per stream ({@link SyncToken}: events, account data) read when the
 * attempt starts; the response's {@code next_batch} holds those positions, so the next sync starts exactly where this
 * one ended.
 * <ul>
 *   <li>join: rooms where the user's membership at {@code T} is {@code join}. Initial sync, {@code full_state},
 *       or a room joined since {@code since} (including a rejoin): the whole state at the start of the timeline.
 *       Otherwise only rooms with events since {@code since}, and the state that changed between {@code since} and
 *       the timeline's start. The timeline is the last {@code limit} events after {@code since} (up to {@code T}),
 *       {@code limited} when more exist, with {@code prev_batch} to paginate back with {@code /messages}.
 *   <li>invite: rooms whose invite arrived since {@code since} (all, in an initial sync), with stripped state.
 *   <li>leave: rooms left or banned from since {@code since}, with the timeline up to the leave; in an initial sync
 *       only if the filter sets {@code room.include_leave}.
 *   <li>account data, global and per joined room: all of it (read from the client-api) in an initial sync or with
 *       {@code full_state}; otherwise what changed in the account data stream since {@code since}. A joined room
 *       whose account data changed is listed even without new events.
 * </ul>
 * Timelines only hold what the history visibility rules let the user see.
 */
public final class Syncer {
    /** The stripped state an invite shows (the spec's recommended set), besides the invite itself. */
    static final List<String> INVITE_STATE_TYPES = List.of(
            "m.room.create",
            "m.room.join_rules",
            "m.room.name",
            "m.room.avatar",
            "m.room.canonical_alias",
            "m.room.encryption");

    private static final int HEROES = 5;
    private static final int TO_DEVICE_LIMIT = 100;
    private static final int ROOM_CONCURRENCY = 4;

    private final SyncApiDatabase database;
    private final MembershipHistory memberships;
    private final Supplier<UserApi> users;
    private final Supplier<Optional<QueryDeviceKeyCountsApi>> keys;
    private final SyncNotifier notifier;
    private final Clock clock;
    private final Duration maxTimeout;

    /**
     * @param memberships the user's forgotten rooms, left out of {@code leave}
     * @param users the client-api, for account data content; resolved on first use
     * @param maxTimeout the longest a request waits, whatever {@code timeout} it asks for
     */
    public Syncer(
            SyncApiDatabase database,
            MembershipHistory memberships,
            Supplier<UserApi> users,
            Supplier<Optional<QueryDeviceKeyCountsApi>> keys,
            SyncNotifier notifier,
            Clock clock,
            Duration maxTimeout) {
        this.database = requireNonNull(database, "database is null");
        this.memberships = requireNonNull(memberships, "memberships is null");
        this.users = requireNonNull(users, "users is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.maxTimeout = requireNonNull(maxTimeout, "maxTimeout is null");
    }

    /** The response body. */
    public Mono<JsonObject> sync(SyncRequest request) {
        Duration timeout = request.timeout().compareTo(maxTimeout) > 0 ? maxTimeout : request.timeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        return attempt(request, deadline);
    }

    private Mono<JsonObject> attempt(SyncRequest request, long deadline) {
        return Mono.zip(
                        database.currentPosition(),
                        database.currentAccountDataPosition(),
                        database.currentToDevicePosition())
                .map(positions -> new SyncToken(positions.getT1(), positions.getT2(), positions.getT3()))
                .flatMap(position -> Mono.zip(compute(request, position), toDevice(request, position))
                        .flatMap(sections -> {
                            Response response = sections.getT1();
                            ToDeviceSection toDevice = sections.getT2();
                            long remaining = deadline - System.nanoTime();
                            boolean mayWait = request.since().isPresent() && !request.fullState() && remaining > 0;
                            if (!response.isEmpty() || !toDevice.events().isEmpty() || !mayWait) {
                                JsonObject body = response.toJson(position.withToDevice(toDevice.next()));
                                if (!toDevice.events().isEmpty()) {
                                    body = body.with(
                                            "to_device",
                                            JsonObject.EMPTY.with("events", new JsonArray(toDevice.events())));
                                }
                                return withKeyCounts(request, body);
                            }
                            return notifier.awaitChange(
                                            request.device().userId().toString(), position)
                                    .timeout(Duration.ofNanos(remaining), Mono.empty())
                                    .then(Mono.defer(() -> attempt(request, deadline)));
                        }));
    }

    /** The device's to-device messages for this response, and the to-device position {@code next_batch} holds. */
    private record ToDeviceSection(List<CanonicalJsonValue> events, long next) {}

    /**
     * The device's to-device messages after its {@code since}, at most {@value #TO_DEVICE_LIMIT} (Synapse's batch),
     * after deleting those {@code since} acknowledges: the spec's "the server deletes them once the client confirms
     * receipt by sending the next_batch". Without {@code since} everything not yet acknowledged is sent again.
     */
    private Mono<ToDeviceSection> toDevice(SyncRequest request, SyncToken position) {
        String user = request.device().userId().value();
        String device = request.device().deviceId().value();
        long since = request.since().map(SyncToken::toDevice).orElse(0L);
        Mono<Void> acknowledge =
                request.since().isPresent() ? database.acknowledgeToDevice(user, device, since) : Mono.empty();
        return acknowledge
                .then(database.toDeviceMessages(user, device, since, position.toDevice(), TO_DEVICE_LIMIT))
                .map(messages -> {
                    long next = messages.size() == TO_DEVICE_LIMIT
                            ? messages.getLast().position()
                            : Math.max(since, position.toDevice());
                    List<CanonicalJsonValue> events = messages.stream()
                            .<CanonicalJsonValue>map(message -> JsonObject.EMPTY
                                    .with("sender", JsonString.of(message.sender()))
                                    .with("type", JsonString.of(message.type()))
                                    .with("content", CanonicalJson.parse(message.contentJson())))
                            .toList();
                    return new ToDeviceSection(events, next);
                });
    }

    /**
     * The device's key supply, in every response (Synapse does the same): clients upload one-time keys when the count
     * runs low. Left out when no keyserver is reachable from this process (a split syncapi today).
     */
    private Mono<JsonObject> withKeyCounts(SyncRequest request, JsonObject body) {
        Optional<QueryDeviceKeyCountsApi> api = keys.get();
        if (api.isEmpty()) {
            return Mono.just(body);
        }
        AuthenticatedDevice device = request.device();
        return api.get()
                .queryDeviceKeyCounts(device.userId(), device.deviceId())
                .map(counts -> {
                    Map<String, CanonicalJsonValue> oneTime = new TreeMap<>();
                    // Always present, 0 included, as in Synapse: clients read a missing count as "unknown".
                    oneTime.put("signed_curve25519", JsonInteger.of(0));
                    counts.oneTimeKeyCounts().forEach((algorithm, n) -> oneTime.put(algorithm, JsonInteger.of(n)));
                    List<CanonicalJsonValue> fallback = counts.unusedFallbackKeyTypes().stream()
                            .<CanonicalJsonValue>map(JsonString::of)
                            .toList();
                    return body.with("device_one_time_keys_count", JsonObject.of(oneTime))
                            .with("device_unused_fallback_key_types", new JsonArray(fallback));
                });
    }

    /** The rooms and global account data sections, without {@code next_batch}. */
    private record Response(
            Map<String, JsonObject> join,
            Map<String, JsonObject> invite,
            Map<String, JsonObject> leave,
            JsonArray accountData) {

        boolean isEmpty() {
            return join.isEmpty()
                    && invite.isEmpty()
                    && leave.isEmpty()
                    && accountData.values().isEmpty();
        }

        JsonObject toJson(SyncToken position) {
            JsonObjectBuilder rooms = new JsonObjectBuilder();
            if (!join.isEmpty()) {
                rooms.put("join", JsonObject.of(join));
            }
            if (!invite.isEmpty()) {
                rooms.put("invite", JsonObject.of(invite));
            }
            if (!leave.isEmpty()) {
                rooms.put("leave", JsonObject.of(leave));
            }
            JsonObjectBuilder out = new JsonObjectBuilder().put("next_batch", position.toString());
            JsonObject roomsJson = rooms.build();
            if (!roomsJson.members().isEmpty()) {
                out.put("rooms", roomsJson);
            }
            if (!accountData.values().isEmpty()) {
                out.put(
                        "account_data",
                        new JsonObjectBuilder().put("events", accountData).build());
            }
            return out.build();
        }
    }

    /** What one room section is computed from. */
    private record RoomPlan(String roomId, long after, long to, Optional<Long> stateSince, boolean summary) {}

    private Mono<Response> compute(SyncRequest request, SyncToken positions) {
        long position = positions.events();
        String user = request.device().userId().toString();
        Optional<Long> since = request.since().map(SyncToken::events);
        Mono<Map<String, StateSpan>> atSince =
                since.isEmpty() ? Mono.just(Map.of()) : database.membershipsAt(user, since.get());
        Mono<List<StateSpan>> changed =
                since.isEmpty() ? Mono.just(List.of()) : database.membershipsAddedBetween(user, since.get(), position);
        return Mono.zip(database.membershipsAt(user, position), atSince, changed, accountData(request, positions))
                .flatMap(loaded -> {
                    AccountDataSections accountData = loaded.getT4();
                    return plan(
                                    request,
                                    position,
                                    loaded.getT1(),
                                    loaded.getT2(),
                                    loaded.getT3(),
                                    accountData.rooms().keySet())
                            .flatMap(plans -> withoutForgotten(plans, user))
                            .flatMap(plans -> {
                                Mono<Map<String, JsonObject>> join = sections(
                                        plans.join(),
                                        plan -> roomSection(
                                                request, plan, Optional.of(accountData.room(plan.roomId()))));
                                Mono<Map<String, JsonObject>> leave =
                                        sections(plans.leave(), plan -> roomSection(request, plan, Optional.empty()));
                                Mono<Map<String, JsonObject>> invite =
                                        sections(plans.invite(), span -> inviteSection(span, position));
                                return Mono.zip(join, invite, leave)
                                        .map(s -> new Response(s.getT1(), s.getT2(), s.getT3(), accountData.global()));
                            });
                });
    }

    /**
     * The account data to send: everything the client-api holds for an initial sync or {@code full_state}, else
     * the current content of what changed in the account data stream in ({@code since}, {@code positions}].
     */
    private Mono<AccountDataSections> accountData(SyncRequest request, SyncToken positions) {
        UserId user = request.device().userId();
        Mono<List<AccountDataEntry>> entries;
        if (request.since().isEmpty() || request.fullState()) {
            entries = users.get().queryAccountData(user);
        } else {
            entries = database.accountDataChanges(
                            user.toString(), request.since().get().accountData(), positions.accountData())
                    .flatMapMany(Flux::fromIterable)
                    .flatMapSequential(
                            change -> users.get()
                                    .queryAccountData(user, change.roomId().map(RoomId::parse), change.type()),
                            ROOM_CONCURRENCY)
                    .flatMapIterable(found -> found.map(List::of).orElse(List.of()))
                    .collectList();
        }
        SyncFilter filter = request.filter();
        return entries.map(found -> AccountDataSections.of(
                found.stream()
                        .filter(entry -> entry.roomId()
                                .map(room -> filter.includesRoom(room.toString()))
                                .orElse(true))
                        .toList(),
                filter.accountData(),
                filter.roomAccountData()));
    }

    private record Plans(List<RoomPlan> join, List<StateSpan> invite, List<RoomPlan> leave) {}

    /**
     * Forgotten rooms are never in {@code leave}, with or without {@code include_leave} (Synapse). Asked of the
     * client-api only when there is a left room to show.
     */
    private Mono<Plans> withoutForgotten(Plans plans, String user) {
        if (plans.leave().isEmpty()) {
            return Mono.just(plans);
        }
        return memberships
                .forgotten(user)
                .map(forgotten -> new Plans(
                        plans.join(),
                        plans.invite(),
                        plans.leave().stream()
                                .filter(plan -> !forgotten.contains(RoomId.parse(plan.roomId())))
                                .toList()));
    }

    /** @param withAccountData rooms whose account data is in the response: listed when joined, even if quiet */
    private Mono<Plans> plan(
            SyncRequest request,
            long position,
            Map<String, StateSpan> now,
            Map<String, StateSpan> atSince,
            List<StateSpan> changedSince,
            Set<String> withAccountData) {
        SyncFilter filter = request.filter();
        Optional<Long> since = request.since().map(SyncToken::events);
        long after = since.orElse(Long.MIN_VALUE);
        Set<String> rejoined = changedSince.stream()
                .filter(span -> !span.membershipOrEmpty().equals("join"))
                .map(StateSpan::roomId)
                .collect(Collectors.toSet());
        List<RoomPlan> fullJoins = new ArrayList<>();
        List<String> deltaJoins = new ArrayList<>();
        List<StateSpan> invites = new ArrayList<>();
        List<RoomPlan> leaves = new ArrayList<>();
        for (StateSpan membership : sortedByPosition(now.values())) {
            String roomId = membership.roomId();
            if (!filter.includesRoom(roomId)) {
                continue;
            }
            Optional<StateSpan> before = Optional.ofNullable(atSince.get(roomId));
            boolean joinedAtSince =
                    before.map(span -> span.membershipOrEmpty().equals("join")).orElse(false);
            switch (membership.membershipOrEmpty()) {
                case "join" -> {
                    boolean newlyJoined = !joinedAtSince || rejoined.contains(roomId);
                    if (since.isEmpty() || request.fullState() || newlyJoined) {
                        fullJoins.add(new RoomPlan(roomId, after, position, Optional.empty(), true));
                    } else {
                        deltaJoins.add(roomId);
                    }
                }
                case "invite" -> {
                    if (since.isEmpty() || membership.addedPosition() > since.get()) {
                        invites.add(membership);
                    }
                }
                case "leave", "ban" -> {
                    boolean include =
                            since.isEmpty() ? filter.includeLeave() : membership.addedPosition() > since.get();
                    if (include) {
                        leaves.add(new RoomPlan(
                                roomId,
                                after,
                                membership.addedPosition(),
                                joinedAtSince ? since : Optional.empty(),
                                false));
                    }
                }
                default -> {
                    // knock and unknown memberships: not shown yet
                }
            }
        }
        if (deltaJoins.isEmpty()) {
            return Mono.just(new Plans(fullJoins, invites, leaves));
        }
        return database.roomsWithEvents(deltaJoins, after, position).map(active -> {
            List<RoomPlan> joins = new ArrayList<>(fullJoins);
            for (String roomId : deltaJoins) {
                if (active.contains(roomId) || withAccountData.contains(roomId)) {
                    joins.add(new RoomPlan(roomId, after, position, since, true));
                }
            }
            return new Plans(joins, invites, leaves);
        });
    }

    private static List<StateSpan> sortedByPosition(java.util.Collection<StateSpan> spans) {
        List<StateSpan> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingLong(StateSpan::addedPosition).thenComparing(StateSpan::roomId));
        return sorted;
    }

    private interface SectionBuilder<T> {
        Mono<JsonObject> build(T item);
    }

    private static <T> Mono<Map<String, JsonObject>> sections(List<T> items, SectionBuilder<T> builder) {
        return Flux.fromIterable(items)
                .flatMapSequential(
                        item -> builder.build(item).map(section -> Map.entry(roomIdOf(item), section)),
                        ROOM_CONCURRENCY)
                .collectList()
                .map(entries -> {
                    Map<String, JsonObject> out = new LinkedHashMap<>();
                    entries.forEach(entry -> out.put(entry.getKey(), entry.getValue()));
                    return out;
                });
    }

    private static String roomIdOf(Object item) {
        return switch (item) {
            case RoomPlan plan -> plan.roomId();
            case StateSpan span -> span.roomId();
            default -> throw new IllegalArgumentException("not a room item: " + item);
        };
    }

    /**
     * A joined or left room: timeline, state, and (joined rooms) the summary and account data.
     *
     * @param accountData the room's account data events, for joined rooms
     */
    private Mono<JsonObject> roomSection(SyncRequest request, RoomPlan plan, Optional<JsonArray> accountData) {
        AuthenticatedDevice device = request.device();
        String user = device.userId().toString();
        int limit = request.filter().timelineLimit();
        Mono<List<StoredEvent>> newestFirst =
                database.roomEvents(plan.roomId(), plan.after(), plan.to(), limit + 1, true);
        return Mono.zip(newestFirst, database.membershipHistory(plan.roomId(), user))
                .flatMap(loaded -> {
                    List<StoredEvent> events = loaded.getT1();
                    boolean limited = events.size() > limit;
                    List<StoredEvent> timeline = new ArrayList<>(events.subList(0, Math.min(limit, events.size())));
                    Collections.reverse(timeline);
                    long timelineStart = timeline.isEmpty()
                            ? plan.to() + 1
                            : timeline.getFirst().position();
                    List<StoredEvent> visible = timeline.stream()
                            .filter(event -> EventVisibility.canSee(event, user, loaded.getT2()))
                            .filter(request.filter().timeline()::matches)
                            .toList();
                    Set<String> timelineIds =
                            timeline.stream().map(StoredEvent::eventId).collect(Collectors.toSet());
                    Mono<List<StoredEvent>> state =
                            stateBetween(plan.roomId(), plan.stateSince(), timelineStart - 1, timelineIds);
                    Mono<Optional<JsonObject>> summary = plan.summary()
                            ? database.stateAt(plan.roomId(), plan.to())
                                    .map(members -> Optional.of(summary(members, user)))
                            : Mono.just(Optional.empty());
                    long now = clock.millis();
                    return Mono.zip(state, summary).map(parts -> {
                        JsonObjectBuilder timelineJson = new JsonObjectBuilder()
                                .put("events", clientEvents(visible, device, now))
                                .put("limited", limited)
                                .put("prev_batch", new StreamToken(timelineStart - 1).toString());
                        JsonObjectBuilder room = new JsonObjectBuilder()
                                .put("timeline", timelineJson.build())
                                .put(
                                        "state",
                                        new JsonObjectBuilder()
                                                .put("events", clientEvents(parts.getT1(), device, now))
                                                .build());
                        parts.getT2().ifPresent(s -> room.put("summary", s));
                        accountData.ifPresent(data -> room.put(
                                "account_data",
                                new JsonObjectBuilder().put("events", data).build()));
                        return room.build();
                    });
                });
    }

    /**
     * The state at {@code position}, less what was already the state at {@code since} (when given) and less the
     * timeline's own events, oldest first.
     */
    private Mono<List<StoredEvent>> stateBetween(
            String roomId, Optional<Long> since, long position, Set<String> timelineIds) {
        Mono<Set<String>> known = since.isEmpty()
                ? Mono.just(Set.of())
                : database.stateAt(roomId, since.get())
                        .map(spans -> spans.stream().map(StateSpan::eventId).collect(Collectors.toSet()));
        return Mono.zip(database.stateAt(roomId, position), known)
                .flatMap(parts -> {
                    Set<String> ids = new HashSet<>();
                    for (StateSpan span : parts.getT1()) {
                        if (!parts.getT2().contains(span.eventId()) && !timelineIds.contains(span.eventId())) {
                            ids.add(span.eventId());
                        }
                    }
                    return database.events(ids);
                })
                .map(events -> events.stream()
                        .sorted(Comparator.comparingLong(StoredEvent::position))
                        .toList());
    }

    /** {@code m.joined_member_count}, {@code m.invited_member_count} and {@code m.heroes} from the room's state. */
    static JsonObject summary(List<StateSpan> state, String user) {
        List<StateSpan> members = state.stream()
                .filter(span -> span.type().equals("m.room.member"))
                .sorted(Comparator.comparingLong(StateSpan::addedPosition))
                .toList();
        long joined = members.stream()
                .filter(span -> span.membershipOrEmpty().equals("join"))
                .count();
        long invited = members.stream()
                .filter(span -> span.membershipOrEmpty().equals("invite"))
                .count();
        List<String> heroes = members.stream()
                .filter(span -> !span.stateKey().equals(user))
                .filter(span -> span.membershipOrEmpty().equals("join")
                        || span.membershipOrEmpty().equals("invite"))
                .map(StateSpan::stateKey)
                .limit(HEROES)
                .toList();
        if (heroes.isEmpty()) {
            heroes = members.stream()
                    .filter(span -> !span.stateKey().equals(user))
                    .map(StateSpan::stateKey)
                    .limit(HEROES)
                    .toList();
        }
        return new JsonObjectBuilder()
                .putStrings("m.heroes", heroes)
                .put("m.joined_member_count", joined)
                .put("m.invited_member_count", invited)
                .build();
    }

    /** An invited room: the stripped state of the room and the invite event. */
    private Mono<JsonObject> inviteSection(StateSpan invite, long position) {
        return database.stateAt(invite.roomId(), position)
                .flatMap(state -> {
                    List<String> ids = new ArrayList<>();
                    for (StateSpan span : state) {
                        if (INVITE_STATE_TYPES.contains(span.type())
                                && span.stateKey().isEmpty()) {
                            ids.add(span.eventId());
                        }
                    }
                    ids.add(invite.eventId());
                    return database.events(ids);
                })
                .map(events -> {
                    List<CanonicalJsonValue> stripped = new ArrayList<>();
                    Optional<StoredEvent> inviteEvent = events.stream()
                            .filter(event -> event.eventId().equals(invite.eventId()))
                            .findFirst();
                    boolean haveRoomState = events.size() > 1;
                    if (!haveRoomState) {
                        // A room this server is not in: the state the inviting server sent along, if any.
                        inviteEvent
                                .flatMap(event -> event.event().getObject("unsigned"))
                                .flatMap(unsigned -> unsigned.getArray("invite_room_state"))
                                .ifPresent(array -> array.values().stream()
                                        .filter(value -> value instanceof JsonObject)
                                        .forEach(
                                                value -> stripped.add(ClientEventFormat.stripped((JsonObject) value))));
                    }
                    events.stream()
                            .filter(event -> haveRoomState || event.eventId().equals(invite.eventId()))
                            .sorted(Comparator.comparingLong(StoredEvent::position))
                            .forEach(event -> stripped.add(ClientEventFormat.stripped(event.event())));
                    return new JsonObjectBuilder()
                            .put(
                                    "invite_state",
                                    new JsonObjectBuilder()
                                            .put("events", new JsonArray(stripped))
                                            .build())
                            .build();
                });
    }

    private static JsonArray clientEvents(List<StoredEvent> events, AuthenticatedDevice device, long now) {
        List<CanonicalJsonValue> out = new ArrayList<>(events.size());
        for (StoredEvent event : events) {
            out.add(event.toClient(device, now, false));
        }
        return new JsonArray(out);
    }
}
