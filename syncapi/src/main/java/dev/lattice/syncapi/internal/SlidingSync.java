package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.syncapi.storage.SlidingSyncConnections;
import dev.lattice.syncapi.storage.SlidingSyncConnections.SentRoom;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.StoredReceipt;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.postgres.PushActionsTable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync}: Simplified Sliding Sync (MSC4186), the
 * sync of Element X and every client built on the matrix-rust-sdk.
 *
 * <p>A request names lists (sliding windows over the user's rooms, newest activity first) and room subscriptions;
 * the response has each list's room count and a section for each room in a window or subscribed to that has
 * something the connection's client does not have yet. What the client has is the connection's state
 * ({@link SlidingSyncConnections}): for each room sent, up to which room events position and with which config.
 * <ul>
 *   <li>A room the client never had as joined: {@code initial}, the newest {@code timeline_limit} events and its
 *       {@code required_state} (at the end of the timeline).
 *   <li>A room it had: the events since then (the newest {@code timeline_limit}, {@code limited} when there were
 *       more) and the wanted state that changed; the whole wanted state again when {@code required_state} changed;
 *       the newest events whatever it had, with {@code expanded_timeline}, when {@code timeline_limit} grew (a client
 *       opening a room it only listed).
 *   <li>Invited and knocked rooms: their stripped state as {@code invite_state}, once.
 *   <li>A room the user left: once more, with the timeline up to the leave, then no more.
 * </ul>
 * The extensions ({@code to_device}, {@code e2ee}, {@code account_data}, {@code receipts}, {@code typing}) reuse the
 * {@code /sync} stream providers: each runs over the rooms its {@code lists}/{@code rooms} scope covers, as the
 * delta since the previous response, or whole for rooms sent for the first time. With nothing to send, a request
 * with a {@code pos} waits (long-polls) up to its {@code timeout}.
 */
public final class SlidingSync {
    /** The event types that move a room up the lists (MSC4186's, as Synapse): activity a user would notice. */
    static final List<String> BUMP_TYPES = List.of(
            "m.room.create",
            "m.room.message",
            "m.room.encrypted",
            "m.sticker",
            "m.call.invite",
            "m.poll.start",
            "m.beacon_info");

    private static final int ROOM_CONCURRENCY = 4;
    private static final Set<String> STRIPPED = Set.of("invite", "knock");

    private final SyncApiDatabase database;
    private final SlidingSyncConnections connections;
    private final List<SyncStreamProvider> streams;
    private final Map<SyncStream, SyncStreamProvider> providers;
    private final ToDeviceStream toDeviceInbox;
    private final MembershipHistory memberships;
    private final BundledAggregations aggregations;
    private final Supplier<UserApi> users;
    private final DeviceKeyCounts keyCounts;
    private final SyncNotifier notifier;
    private final Duration maxTimeout;
    private final Clock clock;
    private final BumpStamps bumpStamps;

    /**
     * @param streams the {@code /sync} stream providers, for positions and the extensions
     * @param toDeviceInbox the to-device one of them, which also takes the extension's own {@code limit}
     * @param users the client-api, for {@code m.direct}; resolved on first use
     * @param maxTimeout the longest a request waits, whatever {@code timeout} it asks for
     */
    public SlidingSync(
            SyncApiDatabase database,
            SlidingSyncConnections connections,
            List<SyncStreamProvider> streams,
            ToDeviceStream toDeviceInbox,
            MembershipHistory memberships,
            BundledAggregations aggregations,
            Supplier<UserApi> users,
            DeviceKeyCounts keyCounts,
            SyncNotifier notifier,
            Duration maxTimeout,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.connections = requireNonNull(connections, "connections is null");
        this.streams = List.copyOf(streams);
        this.providers = this.streams.stream()
                .collect(Collectors.toUnmodifiableMap(SyncStreamProvider::stream, provider -> provider));
        this.toDeviceInbox = requireNonNull(toDeviceInbox, "toDeviceInbox is null");
        this.memberships = requireNonNull(memberships, "memberships is null");
        this.aggregations = requireNonNull(aggregations, "aggregations is null");
        this.users = requireNonNull(users, "users is null");
        this.keyCounts = requireNonNull(keyCounts, "keyCounts is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.maxTimeout = requireNonNull(maxTimeout, "maxTimeout is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.bumpStamps = new BumpStamps(database, BUMP_TYPES);
    }

    /**
     * Where the request starts: the connection, and what its client has.
     *
     * @param since the stream positions of the acknowledged response; empty for a new connection
     * @param listCounts the acknowledged response's list counts, as canonical JSON
     */
    private record Start(long connectionId, Optional<SyncToken> since, Map<String, SentRoom> sent, String listCounts) {}

    /**
     * What one attempt works from.
     *
     * @param rooms the user's rooms the lists and subscriptions may show, with the user's membership
     * @param bumpStamps each of those rooms' {@code bump_stamp}
     * @param windows each list's answer
     * @param configs the rooms to consider sending (in a window or subscribed to), with what each asks for
     */
    private record Plan(
            SyncToken positions,
            Map<String, StateSpan> allMemberships,
            Map<String, StateSpan> rooms,
            Map<String, Long> bumpStamps,
            Set<String> dms,
            Map<String, SlidingRoomLists.Window> windows,
            Map<String, SlidingSyncRequest.RoomConfig> configs,
            Set<String> subscribed) {

        /** The response's {@code lists}: each list's {@code count}. */
        JsonObject lists() {
            Map<String, CanonicalJsonValue> counts = new TreeMap<>();
            windows.forEach((name, window) -> counts.put(
                    name, new JsonObjectBuilder().put("count", window.count()).build()));
            return JsonObject.of(counts);
        }
    }

    /** A room's section and what the connection records the client now has of it. */
    private record Sent(JsonObject section, SentRoom room) {}

    /** The response body. */
    public Mono<JsonObject> sync(SlidingSyncRequest request) {
        Duration timeout = request.timeout().compareTo(maxTimeout) > 0 ? maxTimeout : request.timeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        AuthenticatedDevice device = request.device();
        String user = device.userId().toString();
        Mono<Start> start = request.pos().isEmpty()
                ? connections
                        .begin(user, device.deviceId().value(), request.connId(), clock.millis())
                        .map(id -> new Start(id, Optional.empty(), Map.of(), "{}"))
                : connections
                        .resume(
                                user,
                                device.deviceId().value(),
                                request.connId(),
                                request.pos().get(),
                                clock.millis())
                        .map(found -> found.map(position -> new Start(
                                        position.connectionId(),
                                        Optional.of(SyncToken.parse(position.syncToken(), "pos")),
                                        position.rooms(),
                                        position.listCounts()))
                                .orElseThrow(SlidingSyncRequest::unknownPos));
        return start.flatMap(s -> attempt(request, s, deadline));
    }

    private Mono<JsonObject> attempt(SlidingSyncRequest request, Start start, long deadline) {
        String user = request.device().userId().toString();
        return Syncer.positions(streams, database)
                .flatMap(positions -> plan(request, start, positions))
                .flatMap(plan -> roomSections(request, start, plan)
                        .flatMap(sent -> extensions(request, start, plan, sent.keySet())
                                .flatMap(extensions -> {
                                    String listCounts = CanonicalJson.encodeToString(plan.lists());
                                    boolean news = !sent.isEmpty()
                                            || extensions.news()
                                            || !listCounts.equals(start.listCounts());
                                    long remaining = deadline - System.nanoTime();
                                    if (!news && request.pos().isPresent()) {
                                        if (remaining > 0) {
                                            return notifier.awaitChange(user, plan.positions())
                                                    .timeout(Duration.ofNanos(remaining), Mono.empty())
                                                    .then(Mono.defer(() -> attempt(request, start, deadline)));
                                        }
                                        // Nothing new: the same pos again, so the connection's state stays as it is.
                                        return Mono.just(
                                                response(request, request.pos().get(), plan, Map.of(), extensions));
                                    }
                                    List<SentRoom> rooms = recorded(start, sent, extensions);
                                    return connections
                                            .record(
                                                    start.connectionId(),
                                                    request.pos().orElse(0L),
                                                    plan.positions().toString(),
                                                    listCounts,
                                                    rooms,
                                                    clock.millis())
                                            .map(pos -> response(request, pos, plan, sent, extensions))
                                            // The device began this connection anew meanwhile: this answer is void.
                                            .switchIfEmpty(Mono.error(SlidingSyncRequest::unknownPos));
                                })));
    }

    private static JsonObject response(
            SlidingSyncRequest request, long pos, Plan plan, Map<String, Sent> sent, Extensions extensions) {
        Map<String, CanonicalJsonValue> rooms = new TreeMap<>();
        sent.forEach((roomId, room) -> rooms.put(roomId, room.section()));
        JsonObjectBuilder out = new JsonObjectBuilder()
                .put("pos", Long.toString(pos))
                .put("lists", plan.lists())
                .put("rooms", JsonObject.of(rooms))
                .put("extensions", extensions.json());
        request.txnId().ifPresent(txnId -> out.put("txn_id", txnId));
        return out.build();
    }

    // ---- which rooms ----

    private Mono<Plan> plan(SlidingSyncRequest request, Start start, SyncToken positions) {
        String user = request.device().userId().toString();
        long to = positions.events();
        return Mono.zip(database.membershipsAt(user, to), memberships.forgotten(user), directRooms(request))
                .flatMap(loaded -> {
                    Set<String> forgotten =
                            loaded.getT2().stream().map(RoomId::value).collect(Collectors.toSet());
                    Map<String, StateSpan> rooms = new HashMap<>();
                    loaded.getT1().forEach((roomId, span) -> {
                        if (!forgotten.contains(roomId)
                                && shown(span, start.sent().get(roomId))) {
                            rooms.put(roomId, span);
                        }
                    });
                    List<String> joined = rooms.values().stream()
                            .filter(span -> span.membershipOrEmpty().equals("join"))
                            .map(StateSpan::roomId)
                            .toList();
                    return Mono.zip(
                                    bumpStamps.of(joined, to),
                                    encryptedRooms(request, rooms.keySet(), to),
                                    roomTypes(request, rooms.keySet(), to),
                                    spaceChildren(request, to),
                                    roomTags(request))
                            .map(facts -> {
                                Map<String, Long> bumpStamps = new HashMap<>();
                                List<SlidingRoomLists.Room> listed = new ArrayList<>();
                                rooms.forEach((roomId, span) -> {
                                    // A room the user is not in sorts by their membership: activity since is not
                                    // theirs.
                                    long bump = facts.getT1().getOrDefault(roomId, span.addedPosition());
                                    bumpStamps.put(roomId, Math.max(1, bump));
                                    listed.add(new SlidingRoomLists.Room(
                                            roomId,
                                            span.membershipOrEmpty(),
                                            bump,
                                            loaded.getT3().contains(roomId),
                                            facts.getT2().contains(roomId),
                                            Optional.ofNullable(facts.getT3().get(roomId)),
                                            facts.getT4().getOrDefault(roomId, Set.of()),
                                            facts.getT5().getOrDefault(roomId, Set.of())));
                                });
                                Map<String, SlidingRoomLists.Window> windows =
                                        SlidingRoomLists.windows(request.lists(), listed);
                                Map<String, SlidingSyncRequest.RoomConfig> configs = new LinkedHashMap<>();
                                request.lists()
                                        .forEach((name, list) -> windows.get(name)
                                                .roomIds()
                                                .forEach(roomId -> configs.merge(
                                                        roomId, list.room(), SlidingSyncRequest.RoomConfig::merge)));
                                Set<String> subscribed = new TreeSet<>();
                                request.subscriptions().forEach((roomId, config) -> {
                                    // A subscription to a room the user has no part in shows nothing.
                                    if (rooms.containsKey(roomId)) {
                                        subscribed.add(roomId);
                                        configs.merge(roomId, config, SlidingSyncRequest.RoomConfig::merge);
                                    }
                                });
                                return new Plan(
                                        positions,
                                        loaded.getT1(),
                                        rooms,
                                        bumpStamps,
                                        loaded.getT3(),
                                        windows,
                                        configs,
                                        subscribed);
                            });
                });
    }

    /**
     * Whether a room with this membership is shown: rooms the user is in, invited to or knocked on; a room the user
     * left or was banned from only until the client was sent that.
     */
    private static boolean shown(StateSpan membership, SentRoom sent) {
        return switch (membership.membershipOrEmpty()) {
            case "join", "invite", "knock" -> true;
            case "leave", "ban" -> sent != null && !sent.membership().equals(membership.membershipOrEmpty());
            default -> false;
        };
    }

    /** The rooms {@code m.direct} names: DMs. */
    private Mono<Set<String>> directRooms(SlidingSyncRequest request) {
        return users.get()
                .queryAccountData(request.device().userId(), Optional.empty(), "m.direct")
                .map(entry -> {
                    Set<String> out = new HashSet<>();
                    entry.ifPresent(found -> {
                        JsonObject content = CanonicalJson.parseObject(found.contentJson());
                        content.members().values().forEach(value -> {
                            if (value instanceof JsonArray array) {
                                array.values().forEach(room -> {
                                    if (room instanceof JsonString roomId) {
                                        out.add(roomId.value());
                                    }
                                });
                            }
                        });
                    });
                    return out;
                });
    }

    /** The encrypted ones of these rooms, read only when a list filters on it. */
    private Mono<Set<String>> encryptedRooms(SlidingSyncRequest request, Collection<String> rooms, long to) {
        boolean needed = request.lists().values().stream()
                .anyMatch(list -> list.filters().isEncrypted().isPresent());
        if (!needed) {
            return Mono.just(Set.of());
        }
        return database.stateEntryAt(rooms, "m.room.encryption", "", to).map(Map::keySet);
    }

    /** The rooms' types ({@code m.room.create}'s {@code content.type}), read only when a list filters on them. */
    private Mono<Map<String, String>> roomTypes(SlidingSyncRequest request, Collection<String> rooms, long to) {
        boolean needed = request.lists().values().stream()
                .anyMatch(list -> list.filters().needsRoomTypes());
        if (!needed) {
            return Mono.just(Map.of());
        }
        return database.stateEntryAt(rooms, "m.room.create", "", to)
                .flatMap(creates -> database.events(
                        creates.values().stream().map(StateSpan::eventId).toList()))
                .map(events -> {
                    Map<String, String> out = new HashMap<>();
                    for (StoredEvent event : events) {
                        event.content().getString("type").ifPresent(type -> out.put(event.roomId(), type));
                    }
                    return out;
                });
    }

    /**
     * For the spaces the lists filter on, the rooms each lists as a child: an {@code m.space.child} state event whose
     * content has a non-empty {@code via} (an empty content removes a child), as Synapse reads it. By child room.
     */
    private Mono<Map<String, Set<String>>> spaceChildren(SlidingSyncRequest request, long to) {
        Set<String> spaces = new TreeSet<>();
        request.lists().values().forEach(list -> list.filters().spaces().ifPresent(spaces::addAll));
        if (spaces.isEmpty()) {
            return Mono.just(Map.of());
        }
        return Flux.fromIterable(spaces)
                .flatMap(space -> database.stateAt(space, to), ROOM_CONCURRENCY)
                .flatMapIterable(state -> state)
                .filter(span -> span.type().equals("m.space.child"))
                .collectList()
                .flatMap(children -> database.events(
                        children.stream().map(StateSpan::eventId).toList()))
                .map(events -> {
                    Map<String, Set<String>> out = new HashMap<>();
                    for (StoredEvent event : events) {
                        boolean via = event.content()
                                .getArray("via")
                                .map(a -> a.size() > 0)
                                .orElse(false);
                        if (via && event.stateKey().isPresent()) {
                            out.computeIfAbsent(event.stateKey().get(), id -> new HashSet<>())
                                    .add(event.roomId());
                        }
                    }
                    return out;
                });
    }

    /** The user's tags on each room ({@code m.tag} room account data), read only when a list filters on tags. */
    private Mono<Map<String, Set<String>>> roomTags(SlidingSyncRequest request) {
        boolean needed = request.lists().values().stream()
                .anyMatch(list -> list.filters().needsTags());
        if (!needed) {
            return Mono.just(Map.of());
        }
        return users.get().queryAccountData(request.device().userId()).map(entries -> {
            Map<String, Set<String>> out = new HashMap<>();
            for (AccountDataEntry entry : entries) {
                if (entry.roomId().isPresent() && entry.type().equals("m.tag")) {
                    CanonicalJson.parseObject(entry.contentJson())
                            .getObject("tags")
                            .ifPresent(tags -> out.put(
                                    entry.roomId().get().value(),
                                    Set.copyOf(tags.members().keySet())));
                }
            }
            return out;
        });
    }

    // ---- room sections ----

    /** How a room is sent this time. */
    private enum Kind {
        STRIPPED,
        INITIAL,
        EXPANDED,
        REQUIRED_STATE_CHANGED,
        INCREMENTAL
    }

    private Mono<Map<String, Sent>> roomSections(SlidingSyncRequest request, Start start, Plan plan) {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        List<String> maybeIncremental = new ArrayList<>();
        plan.configs().forEach((roomId, config) -> {
            StateSpan membership = plan.rooms().get(roomId);
            SentRoom sent = start.sent().get(roomId);
            String m = membership.membershipOrEmpty();
            if (STRIPPED.contains(m)) {
                if (sent == null || !sent.membership().equals(m) || sent.sentThrough() < membership.addedPosition()) {
                    kinds.put(roomId, Kind.STRIPPED);
                }
            } else if (sent == null || !sent.membership().equals("join")) {
                kinds.put(roomId, Kind.INITIAL);
            } else if (config.timelineLimit() > sent.timelineLimit()) {
                kinds.put(roomId, Kind.EXPANDED);
            } else if (!sent.requiredState().equals(config.requiredState().toJson())) {
                kinds.put(roomId, Kind.REQUIRED_STATE_CHANGED);
            } else {
                maybeIncremental.add(roomId);
            }
        });
        return Mono.zip(
                        roomsWithNews(start, plan, maybeIncremental),
                        roomsReadByUser(request, start, plan, maybeIncremental))
                .map(found -> {
                    Set<String> out = new HashSet<>(found.getT1());
                    out.addAll(found.getT2());
                    return out;
                })
                .flatMap(withNews -> {
                    withNews.forEach(roomId -> kinds.put(roomId, Kind.INCREMENTAL));
                    return Flux.fromIterable(kinds.entrySet())
                            .flatMap(
                                    entry -> roomSection(request, start, plan, entry.getKey(), entry.getValue())
                                            .map(sent -> Map.entry(entry.getKey(), sent)),
                                    ROOM_CONCURRENCY)
                            .collectMap(Map.Entry::getKey, Map.Entry::getValue);
                })
                .flatMap(sent -> withUnreadCounts(request, plan, sent));
    }

    /** Of rooms the client has as joined, those with events it was not sent (up to where each ends for the user). */
    private Mono<Set<String>> roomsWithNews(Start start, Plan plan, List<String> roomIds) {
        long to = plan.positions().events();
        Map<String, Long> after = new HashMap<>();
        List<String> left = new ArrayList<>();
        for (String roomId : roomIds) {
            if (end(plan, roomId) == to) {
                after.put(roomId, start.sent().get(roomId).sentThrough());
            } else {
                left.add(roomId);
            }
        }
        // Rooms the user left end at the leave: each its own bound (rare: a room is shown until its leave was sent).
        Mono<List<String>> leftWithNews = Flux.fromIterable(left)
                .filterWhen(
                        roomId -> database.roomsWithEventsAfter(
                                        Map.of(roomId, start.sent().get(roomId).sentThrough()), end(plan, roomId))
                                .map(found -> !found.isEmpty()),
                        ROOM_CONCURRENCY)
                .collectList();
        return Mono.zip(database.roomsWithEventsAfter(after, to), leftWithNews).map(found -> {
            Set<String> out = new HashSet<>(found.getT1());
            out.addAll(found.getT2());
            return out;
        });
    }

    /**
     * Of rooms the client has, those where the user's own read receipt moved since their counts were last sent: their
     * unread counts changed, so they are sent again (with no new events, the counts are what is new), as {@code /sync}
     * lists a room for the user's own receipt. Each room from its own {@code countsThrough}: a room read on another
     * device while it was in no window is sent when it comes back.
     */
    private Mono<Set<String>> roomsReadByUser(
            SlidingSyncRequest request, Start start, Plan plan, List<String> roomIds) {
        if (roomIds.isEmpty()) {
            return Mono.just(Set.of());
        }
        long since = roomIds.stream()
                .mapToLong(roomId -> start.sent().get(roomId).countsThrough())
                .min()
                .orElseThrow();
        long to = plan.positions().position(SyncStream.RECEIPTS);
        if (since >= to) {
            return Mono.just(Set.of());
        }
        String user = request.device().userId().toString();
        return database.receipts(roomIds, since, to)
                .map(receipts -> receipts.stream()
                        .filter(receipt -> receipt.userId().equals(user)
                                && receipt.position()
                                        > start.sent().get(receipt.roomId()).countsThrough())
                        .map(StoredReceipt::roomId)
                        .collect(Collectors.toSet()));
    }

    /** Where a room's timeline ends for the user: now, or at their leave. */
    private static long end(Plan plan, String roomId) {
        StateSpan membership = plan.rooms().get(roomId);
        return membership.membershipOrEmpty().equals("join") ? plan.positions().events() : membership.addedPosition();
    }

    private Mono<Sent> roomSection(SlidingSyncRequest request, Start start, Plan plan, String roomId, Kind kind) {
        SlidingSyncRequest.RoomConfig config = plan.configs().get(roomId);
        StateSpan membership = plan.rooms().get(roomId);
        long to = plan.positions().events();
        SentRoom record = new SentRoom(
                roomId,
                to,
                plan.positions().position(SyncStream.RECEIPTS),
                membership.membershipOrEmpty(),
                config.timelineLimit(),
                config.requiredState().toJson(),
                Map.of());
        if (kind == Kind.STRIPPED) {
            return RoomEventsStream.strippedState(database, membership, to)
                    .map(stripped -> new Sent(
                            new JsonObjectBuilder()
                                    .put("initial", true)
                                    .put("invite_state", stripped)
                                    .put("bump_stamp", plan.bumpStamps().get(roomId))
                                    .put("is_dm", plan.dms().contains(roomId))
                                    .build(),
                            record));
        }
        String user = request.device().userId().toString();
        long end = end(plan, roomId);
        Optional<SentRoom> had = Optional.ofNullable(start.sent().get(roomId));
        // The events the client lacks: all (a new room, or a longer timeline asked for), else those after it had.
        long after = kind == Kind.INITIAL || kind == Kind.EXPANDED
                ? Long.MIN_VALUE
                : had.orElseThrow().sentThrough();
        int limit = config.timelineLimit();
        Mono<List<StoredEvent>> newestFirst = database.roomEvents(roomId, after, end, limit + 1, true);
        // The wanted state it has: none for a new room or a changed required_state (also when the timeline grew in
        // the same request, as when a room is opened); else that at the position it had.
        boolean requiredStateChanged = had.map(sentRoom ->
                        !sentRoom.requiredState().equals(config.requiredState().toJson()))
                .orElse(true);
        Mono<Set<String>> known = kind == Kind.INITIAL || requiredStateChanged
                ? Mono.just(Set.of())
                : database.stateAt(roomId, had.orElseThrow().sentThrough())
                        .map(spans -> spans.stream().map(StateSpan::eventId).collect(Collectors.toSet()));
        return Mono.zip(newestFirst, database.membershipHistory(roomId, user), database.stateAt(roomId, end), known)
                .flatMap(loaded -> {
                    List<StoredEvent> events = loaded.getT1();
                    boolean limited = events.size() > limit;
                    List<StoredEvent> timeline = new ArrayList<>(events.subList(0, Math.min(limit, events.size())));
                    Collections.reverse(timeline);
                    List<StateSpan> history = loaded.getT2();
                    List<StoredEvent> visible = timeline.stream()
                            .filter(event -> EventVisibility.canSee(event, user, history))
                            .toList();
                    long timelineStart =
                            timeline.isEmpty() ? end + 1 : timeline.getFirst().position();
                    Set<String> senders =
                            visible.stream().map(StoredEvent::sender).collect(Collectors.toSet());
                    RequiredState wanted = config.requiredState();
                    List<StateSpan> state = loaded.getT3();
                    Set<String> knownIds = loaded.getT4();
                    Set<String> stateIds = new HashSet<>();
                    for (StateSpan span : state) {
                        if (!wanted.wants(span.type(), span.stateKey(), user, senders)) {
                            continue;
                        }
                        // The timeline's senders' member events are sent even if unchanged: the client may not have
                        // them, when only $LAZY asked for members.
                        boolean lazySender = span.type().equals("m.room.member")
                                && senders.contains(span.stateKey())
                                && !wanted.allMembers();
                        if (!knownIds.contains(span.eventId()) || lazySender) {
                            stateIds.add(span.eventId());
                        }
                    }
                    RoomSummary summary = RoomSummary.of(state, user);
                    Map<String, String> idsByKey = new HashMap<>();
                    for (StateSpan span : state) {
                        idsByKey.put(span.type() + '\0' + span.stateKey(), span.eventId());
                    }
                    Set<String> fetch = new HashSet<>(stateIds);
                    Optional.ofNullable(idsByKey.get("m.room.name\0")).ifPresent(fetch::add);
                    Optional.ofNullable(idsByKey.get("m.room.avatar\0")).ifPresent(fetch::add);
                    summary.heroes()
                            .forEach(hero -> Optional.ofNullable(idsByKey.get("m.room.member\0" + hero))
                                    .ifPresent(fetch::add));
                    long now = clock.millis();
                    Mono<Map<String, JsonObject>> bundled = aggregations.of(
                            visible, request.device(), event -> EventVisibility.canSee(event, user, history), now);
                    return Mono.zip(database.events(fetch), bundled).map(parts -> {
                        Map<String, StoredEvent> byId =
                                parts.getT1().stream().collect(Collectors.toMap(StoredEvent::eventId, event -> event));
                        JsonObjectBuilder room = new JsonObjectBuilder();
                        if (kind == Kind.INITIAL) {
                            room.put("initial", true);
                        }
                        if (kind == Kind.EXPANDED) {
                            // Both names: MSC4186's, and Synapse's, which clients of its implementation read.
                            room.put("expanded_timeline", true).put("unstable_expanded_timeline", true);
                        }
                        Optional<String> name = Optional.ofNullable(idsByKey.get("m.room.name\0"))
                                .map(byId::get)
                                .flatMap(event -> event.content().getString("name"))
                                .filter(n -> !n.isEmpty());
                        name.ifPresent(n -> room.put("name", n));
                        Optional.ofNullable(idsByKey.get("m.room.avatar\0"))
                                .map(byId::get)
                                .flatMap(event -> event.content().getString("url"))
                                .ifPresent(url -> room.put("avatar", url));
                        if (name.isEmpty() && !summary.heroes().isEmpty()) {
                            room.put("heroes", heroes(summary.heroes(), idsByKey, byId));
                        }
                        List<CanonicalJsonValue> requiredState = stateIds.stream()
                                .map(byId::get)
                                .filter(java.util.Objects::nonNull)
                                .sorted(Comparator.comparingLong(StoredEvent::position))
                                .<CanonicalJsonValue>map(event -> event.toClient(request.device(), now, false))
                                .toList();
                        long since = start.since().map(SyncToken::events).orElse(Long.MAX_VALUE);
                        room.put("required_state", new JsonArray(requiredState))
                                .put(
                                        "timeline",
                                        new JsonArray(BundledAggregations.clientEvents(
                                                visible, parts.getT2(), request.device(), now, false)))
                                .put("prev_batch", new StreamToken(timelineStart - 1).toString())
                                .put("limited", limited)
                                .put(
                                        "num_live",
                                        visible.stream()
                                                .filter(event -> event.position() > since)
                                                .count())
                                .put("bump_stamp", plan.bumpStamps().get(roomId))
                                .put("joined_count", summary.joined())
                                .put("invited_count", summary.invited())
                                .put("is_dm", plan.dms().contains(roomId));
                        return new Sent(room.build(), record);
                    });
                });
    }

    /** {@code heroes}: each hero's user ID with the display name and avatar of their member event. */
    private static JsonArray heroes(List<String> heroes, Map<String, String> idsByKey, Map<String, StoredEvent> byId) {
        List<CanonicalJsonValue> out = new ArrayList<>();
        for (String hero : heroes) {
            JsonObjectBuilder entry = new JsonObjectBuilder().put("user_id", hero);
            Optional.ofNullable(idsByKey.get("m.room.member\0" + hero))
                    .map(byId::get)
                    .map(StoredEvent::content)
                    .ifPresent(content -> {
                        content.getString("displayname").ifPresent(name -> entry.put("displayname", name));
                        content.getString("avatar_url").ifPresent(url -> entry.put("avatar_url", url));
                    });
            out.add(entry.build());
        }
        return new JsonArray(out);
    }

    /** Adds {@code notification_count} and {@code highlight_count} to the joined rooms' sections, in one query. */
    private Mono<Map<String, Sent>> withUnreadCounts(SlidingSyncRequest request, Plan plan, Map<String, Sent> sent) {
        List<String> joined = sent.keySet().stream()
                .filter(roomId -> plan.rooms().get(roomId).membershipOrEmpty().equals("join"))
                .toList();
        if (joined.isEmpty()) {
            return Mono.just(sent);
        }
        return database.unreadCounts(request.device().userId().toString(), joined)
                .map(counts -> {
                    Map<String, Sent> out = new LinkedHashMap<>(sent);
                    for (String roomId : joined) {
                        PushActionsTable.Counts room = counts.getOrDefault(roomId, PushActionsTable.RoomCounts.NONE)
                                .total();
                        Sent before = out.get(roomId);
                        out.put(
                                roomId,
                                new Sent(
                                        new JsonObjectBuilder(before.section())
                                                .put("notification_count", room.notifications())
                                                .put("highlight_count", room.highlights())
                                                .build(),
                                        before.room()));
                    }
                    return out;
                });
    }

    // ---- extensions ----

    /**
     * The extensions' part of the response, whether it holds anything new (rather than only positions), the rooms
     * each per-room extension stream covered, and the rooms sent as new (see {@link #fresh}).
     */
    private record Extensions(JsonObject json, boolean news, Map<SyncStream, Set<String>> scopes, Set<String> fresh) {}

    /** The extension streams that are per room and whose rooms the client can fall behind on (see {@link SentRoom}). */
    private static final List<SyncStream> ROOM_EXTENSION_STREAMS =
            List.of(SyncStream.ACCOUNT_DATA, SyncStream.RECEIPTS, SyncStream.TYPING);

    /** Of the rooms sent, those the client gets as new (it never had them as joined): their extension data whole. */
    private static Set<String> fresh(Start start, Set<String> sentRooms) {
        return sentRooms.stream()
                .filter(roomId -> Optional.ofNullable(start.sent().get(roomId))
                        .map(had -> !had.membership().equals("join"))
                        .orElse(true))
                .collect(Collectors.toSet());
    }

    private Mono<Extensions> extensions(SlidingSyncRequest request, Start start, Plan plan, Set<String> sentRooms) {
        SlidingSyncRequest.Extensions wanted = request.extensions();
        Map<String, List<String>> windows = new LinkedHashMap<>();
        plan.windows().forEach((name, window) -> windows.put(name, window.roomIds()));
        Set<String> fresh = fresh(start, sentRooms);
        Map<SyncStream, Set<String>> scopes = new EnumMap<>(SyncStream.class);
        wanted.accountData()
                .ifPresent(scope -> scopes.put(SyncStream.ACCOUNT_DATA, scope.rooms(windows, plan.subscribed())));
        wanted.receipts().ifPresent(scope -> scopes.put(SyncStream.RECEIPTS, scope.rooms(windows, plan.subscribed())));
        wanted.typing().ifPresent(scope -> scopes.put(SyncStream.TYPING, scope.rooms(windows, plan.subscribed())));
        Mono<Map<String, CanonicalJsonValue>> accountData = accountData(request, start, plan, scopes, fresh);
        Mono<Map<String, CanonicalJsonValue>> receipts =
                ephemeral(request, start, plan, scopes, fresh, SyncStream.RECEIPTS);
        Mono<Map<String, CanonicalJsonValue>> typing =
                ephemeral(request, start, plan, scopes, fresh, SyncStream.TYPING);
        Mono<Optional<JsonObject>> toDevice = wanted.toDevice()
                .map(ext -> toDevice(request, plan, ext).map(Optional::of))
                .orElse(Mono.just(Optional.empty()));
        Mono<Optional<JsonObject>> e2ee =
                wanted.e2ee() ? e2ee(request, start, plan).map(Optional::of) : Mono.just(Optional.empty());
        return Mono.zip(accountData, receipts, typing, toDevice, e2ee).map(parts -> {
            JsonObjectBuilder out = new JsonObjectBuilder();
            boolean news = false;
            if (wanted.accountData().isPresent()) {
                out.put("account_data", JsonObject.of(parts.getT1()));
                news |= parts.getT1().values().stream().anyMatch(SlidingSync::nonEmpty);
            }
            if (wanted.receipts().isPresent()) {
                out.put(
                        "receipts",
                        new JsonObjectBuilder()
                                .put("rooms", JsonObject.of(parts.getT2()))
                                .build());
                news |= !parts.getT2().isEmpty();
            }
            if (wanted.typing().isPresent()) {
                out.put(
                        "typing",
                        new JsonObjectBuilder()
                                .put("rooms", JsonObject.of(parts.getT3()))
                                .build());
                news |= !parts.getT3().isEmpty();
            }
            if (parts.getT4().isPresent()) {
                out.put("to_device", parts.getT4().get());
                news |= parts.getT4()
                        .get()
                        .getArray("events")
                        .map(a -> a.size() > 0)
                        .orElse(false);
            }
            if (parts.getT5().isPresent()) {
                out.put("e2ee", parts.getT5().get());
                news |= parts.getT5().get().has("device_lists");
            }
            return new Extensions(out.build(), news, scopes, fresh);
        });
    }

    private static boolean nonEmpty(CanonicalJsonValue value) {
        return switch (value) {
            case JsonArray array -> array.size() > 0;
            case JsonObject object -> !object.members().isEmpty();
            default -> true;
        };
    }

    /**
     * A context for running {@code /sync} stream providers over {@code rooms}: the delta since the previous response
     * ({@code since}), or everything when empty.
     */
    private SyncContext context(
            SlidingSyncRequest request, Optional<SyncToken> since, Collection<String> rooms, Plan plan) {
        return context(request, since, SyncFilter.onlyRooms(rooms), plan);
    }

    private SyncContext context(SlidingSyncRequest request, Optional<SyncToken> since, SyncFilter filter, Plan plan) {
        SyncRequest sync = new SyncRequest(request.device(), since, filter, false, Duration.ZERO, Optional.empty());
        return new SyncContext(sync, plan.positions(), Mono.just(plan.allMemberships()), database);
    }

    /**
     * Rooms of an extension's scope that are sent from the same {@code since}: the previous response's, an older one,
     * or none (everything).
     */
    private record Slice(Optional<SyncToken> since, Set<String> rooms) {}

    /**
     * How an extension stream's scope is sent. First the rooms the client has live: the delta since the previous
     * response (this slice is always there, for global account data). Then the rooms it fell behind on while they
     * were out of scope: from the oldest position one of them was left at, since sending a room's receipts, typing or
     * account data again is harmless. Then the rooms sent as new in this response: whole.
     */
    private static List<Slice> slices(Start start, Set<String> scope, Set<String> fresh, SyncStream stream) {
        Set<String> live = new TreeSet<>();
        Set<String> behind = new TreeSet<>();
        long oldest = Long.MAX_VALUE;
        for (String roomId : difference(scope, fresh)) {
            Long through = Optional.ofNullable(start.sent().get(roomId))
                    .map(had -> had.extensionsBehind().get(stream.name()))
                    .orElse(null);
            if (through == null) {
                live.add(roomId);
            } else {
                behind.add(roomId);
                oldest = Math.min(oldest, through);
            }
        }
        List<Slice> out = new ArrayList<>();
        out.add(new Slice(start.since(), live));
        if (!behind.isEmpty()) {
            long from = oldest;
            out.add(new Slice(start.since().map(since -> since.with(stream, from)), behind));
        }
        Set<String> whole = intersection(scope, fresh);
        if (!whole.isEmpty()) {
            out.add(new Slice(Optional.empty(), whole));
        }
        return out;
    }

    /**
     * What each room the client will have as joined after this response is behind on, by extension stream (see
     * {@link SentRoom#extensionsBehind()}): nothing for a stream whose scope holds the room; for one whose scope does
     * not, what it was behind on already, or the previous response's position when it was live then, or 0 when the
     * client never had the room's data of that stream.
     */
    private static Map<String, Long> behindAfter(
            Start start, String roomId, boolean fresh, Map<SyncStream, Set<String>> scopes) {
        SentRoom had = fresh ? null : start.sent().get(roomId);
        Map<String, Long> out = new TreeMap<>();
        for (SyncStream stream : ROOM_EXTENSION_STREAMS) {
            if (scopes.getOrDefault(stream, Set.of()).contains(roomId)) {
                continue;
            }
            long live = start.since().map(since -> since.position(stream)).orElse(0L);
            out.put(stream.name(), had == null ? 0L : had.extensionsBehind().getOrDefault(stream.name(), live));
        }
        return out;
    }

    /**
     * The rows this response records: every room it sent, and every other room whose extension streams fell behind
     * (its scope left it) or caught up; each joined room with what it is now behind on.
     */
    private static List<SentRoom> recorded(Start start, Map<String, Sent> sent, Extensions extensions) {
        List<SentRoom> out = new ArrayList<>();
        sent.forEach((roomId, room) -> out.add(
                room.room().membership().equals("join")
                        ? room.room()
                                .withExtensionsBehind(behindAfter(
                                        start, roomId, extensions.fresh().contains(roomId), extensions.scopes()))
                        : room.room()));
        start.sent().forEach((roomId, had) -> {
            if (!sent.containsKey(roomId) && had.membership().equals("join")) {
                Map<String, Long> behind = behindAfter(start, roomId, false, extensions.scopes());
                if (!behind.equals(had.extensionsBehind())) {
                    out.add(had.withExtensionsBehind(behind));
                }
            }
        });
        return out;
    }

    /** {@code account_data}: global changes (from the first slice), and the rooms'; nothing when not asked for. */
    private Mono<Map<String, CanonicalJsonValue>> accountData(
            SlidingSyncRequest request,
            Start start,
            Plan plan,
            Map<SyncStream, Set<String>> scopes,
            Set<String> fresh) {
        Set<String> scope = scopes.get(SyncStream.ACCOUNT_DATA);
        if (scope == null) {
            return Mono.just(Map.of());
        }
        List<SyncContext> contexts = slices(start, scope, fresh, SyncStream.ACCOUNT_DATA).stream()
                .map(slice -> context(request, slice.since(), slice.rooms(), plan))
                .toList();
        SyncStreamProvider provider = providers.get(SyncStream.ACCOUNT_DATA);
        return Flux.fromIterable(contexts).flatMap(provider::contribute).then(Mono.fromSupplier(() -> {
            Map<String, CanonicalJsonValue> out = new TreeMap<>();
            contexts.getFirst()
                    .response()
                    .section("account_data")
                    .flatMap(section -> ((JsonObject) section).getArray("events"))
                    .ifPresent(events -> out.put("global", events));
            Map<String, CanonicalJsonValue> byRoom = new TreeMap<>();
            for (SyncContext context : contexts) {
                for (String roomId : context.response().joinedRoomIds()) {
                    context.response()
                            .joined(roomId)
                            .field("account_data")
                            .flatMap(section -> ((JsonObject) section).getArray("events"))
                            .ifPresent(events -> byRoom.put(roomId, events));
                }
            }
            if (!byRoom.isEmpty()) {
                out.put("rooms", JsonObject.of(byRoom));
            }
            return out;
        }));
    }

    /** {@code receipts} or {@code typing}: each room's event of that stream, by room ID; nothing when not asked for. */
    private Mono<Map<String, CanonicalJsonValue>> ephemeral(
            SlidingSyncRequest request,
            Start start,
            Plan plan,
            Map<SyncStream, Set<String>> scopes,
            Set<String> fresh,
            SyncStream stream) {
        Set<String> scope = scopes.get(stream);
        if (scope == null) {
            return Mono.just(Map.of());
        }
        String type = stream == SyncStream.RECEIPTS ? "m.receipt" : "m.typing";
        SyncStreamProvider provider = providers.get(stream);
        List<SyncContext> contexts = slices(start, scope, fresh, stream).stream()
                .filter(slice -> !slice.rooms().isEmpty())
                .map(slice -> context(request, slice.since(), slice.rooms(), plan))
                .toList();
        return Flux.fromIterable(contexts).flatMap(provider::contribute).then(Mono.fromSupplier(() -> {
            Map<String, CanonicalJsonValue> out = new TreeMap<>();
            for (SyncContext context : contexts) {
                for (String roomId : context.response().joinedRoomIds()) {
                    for (CanonicalJsonValue event :
                            context.response().joined(roomId).ephemeral()) {
                        if (((JsonObject) event).getString("type").orElse("").equals(type)) {
                            out.put(roomId, event);
                        }
                    }
                }
            }
            return out;
        }));
    }

    /**
     * {@code to_device}: the device's messages after the extension's own {@code since} (which acknowledges those up
     * to it), with the {@code next_batch} to send next.
     */
    private Mono<JsonObject> toDevice(SlidingSyncRequest request, Plan plan, SlidingSyncRequest.ToDevice ext) {
        Optional<SyncToken> since = ext.since().map(s -> SyncToken.of().with(SyncStream.TO_DEVICE, s));
        SyncContext context = context(request, since, SyncFilter.DEFAULT, plan);
        return toDeviceInbox.contribute(context, ext.limit()).map(next -> {
            JsonArray events = context.response()
                    .section("to_device")
                    .flatMap(section -> ((JsonObject) section).getArray("events"))
                    .orElse(JsonArray.EMPTY);
            return new JsonObjectBuilder()
                    .put("next_batch", Long.toString(next))
                    .put("events", events)
                    .build();
        });
    }

    /** {@code e2ee}: device list changes since the previous response, and the device's key counts. */
    private Mono<JsonObject> e2ee(SlidingSyncRequest request, Start start, Plan plan) {
        SyncContext context = context(request, start.since(), SyncFilter.DEFAULT, plan);
        return providers.get(SyncStream.DEVICE_LISTS).contribute(context).then(Mono.defer(() -> {
            JsonObjectBuilder out = new JsonObjectBuilder();
            context.response().section("device_lists").ifPresent(lists -> out.put("device_lists", lists));
            return keyCounts.addTo(request.device(), out.build());
        }));
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.retainAll(b);
        return out;
    }
}
