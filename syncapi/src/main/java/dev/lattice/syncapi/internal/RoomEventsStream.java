package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.event.ClientEventFormat;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import dev.lattice.syncapi.storage.StoredPositions;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.postgres.PushActionsTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The room events stream of {@code /sync}: the rooms a user is in, was invited to or left, as an initial snapshot or
 * as the delta since the previous sync, up to the response's room events position {@code T}.
 * <ul>
 *   <li>join: rooms where the user's membership at {@code T} is {@code join}. Initial sync, {@code full_state},
 *       or a room joined since {@code since} (including a rejoin): the whole state at the start of the timeline.
 *       Otherwise only rooms with events since {@code since}, and the state that changed between {@code since} and
 *       the timeline's start. The timeline is the last {@code limit} events after {@code since} (up to {@code T}),
 *       {@code limited} when more exist, with {@code prev_batch} to paginate back with {@code /messages}. With
 *       {@code use_state_after}, {@code state_after} replaces {@code state}: the same up to the timeline's end,
 *       so a change no timeline event shows (state taken at a gap in federation, a resolution) reaches the client.
 *   <li>invite: rooms whose invite arrived since {@code since} (all, in an initial sync), with stripped state.
 *   <li>knock: the same for rooms the user knocked on, with {@code knock_state}.
 *   <li>leave: rooms left or banned from since {@code since}, with the timeline up to the leave; in an initial sync
 *       only if the filter sets {@code room.include_leave}. Forgotten rooms never.
 * </ul>
 * Timelines only hold what the history visibility rules let the user see.
 */
public final class RoomEventsStream implements SyncStreamProvider {
    /** The stripped state an invite shows (the spec's recommended set), besides the invite itself. */
    static final List<String> INVITE_STATE_TYPES = List.of(
            "m.room.create",
            "m.room.join_rules",
            "m.room.name",
            "m.room.avatar",
            "m.room.canonical_alias",
            "m.room.encryption");

    private static final int ROOM_CONCURRENCY = 4;

    private final SyncApiDatabase database;
    private final MembershipHistory memberships;
    private final BundledAggregations aggregations;
    private final LazyLoadedMembers lazyLoaded;
    private final Clock clock;

    /**
     * @param memberships the user's forgotten rooms, left out of {@code leave}
     * @param lazyLoaded the member events each device was sent, for {@code include_redundant_members: false}
     */
    public RoomEventsStream(
            SyncApiDatabase database,
            MembershipHistory memberships,
            BundledAggregations aggregations,
            LazyLoadedMembers lazyLoaded,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.memberships = requireNonNull(memberships, "memberships is null");
        this.aggregations = requireNonNull(aggregations, "aggregations is null");
        this.lazyLoaded = requireNonNull(lazyLoaded, "lazyLoaded is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * What one room section is computed from.
     *
     * @param join the user's membership at {@code to} when it is a join (for a joined room)
     */
    private record RoomPlan(
            String roomId, long after, long to, Optional<Long> stateSince, boolean summary, Optional<StateSpan> join) {}

    @Override
    public SyncStream stream() {
        return SyncStream.EVENTS;
    }

    @Override
    public long currentPosition(StoredPositions stored) {
        return stored.events();
    }

    @Override
    public Mono<Long> contribute(SyncContext context) {
        SyncRequest request = context.request();
        long position = context.position(SyncStream.EVENTS);
        String user = context.user();
        Optional<Long> since = context.since(SyncStream.EVENTS);
        Mono<Map<String, StateSpan>> atSince = context.membershipsAtSince();
        Mono<List<StateSpan>> changed = context.membershipChanges();
        SyncResponse response = context.response();
        SyncFilter filter = request.filter();
        LazyLoadedMembers.SentMembers sent = filter.lazyLoadMembers() && !filter.includeRedundantMembers()
                ? lazyLoaded.sync(request.device(), since, position)
                : LazyLoadedMembers.SentMembers.ALL;
        if (context.unchanged(SyncStream.EVENTS)) {
            return Mono.just(position); // no event since, so no membership, timeline or state change: no query
        }
        return Mono.zip(context.memberships(), atSince, changed)
                .flatMap(loaded -> plan(context, loaded.getT1(), loaded.getT2(), loaded.getT3()))
                .flatMap(plans -> withoutForgotten(plans, user))
                .flatMap(plans -> Mono.when(
                        Flux.fromIterable(plans.join())
                                .flatMap(
                                        plan -> roomSection(request, plan, sent, context.sectionRead(plan.roomId()))
                                                .doOnNext(section -> {
                                                    SyncResponse.JoinedRoom joined = response.joined(plan.roomId());
                                                    section.json().members().forEach(joined::put);
                                                    section.unreadCounts().ifPresent(joined::unreadCounts);
                                                }),
                                        ROOM_CONCURRENCY),
                        Flux.fromIterable(plans.invite())
                                .flatMap(
                                        span -> strippedSection(span, position, "invite_state")
                                                .doOnNext(section -> response.invited(span.roomId(), section)),
                                        ROOM_CONCURRENCY),
                        Flux.fromIterable(plans.knock())
                                .flatMap(
                                        span -> strippedSection(span, position, "knock_state")
                                                .doOnNext(section -> response.knocked(span.roomId(), section)),
                                        ROOM_CONCURRENCY),
                        Flux.fromIterable(plans.leave())
                                .flatMap(
                                        plan -> roomSection(request, plan, sent, Optional.empty())
                                                .doOnNext(section -> response.left(plan.roomId(), section.json())),
                                        ROOM_CONCURRENCY)))
                .thenReturn(position);
    }

    private record Plans(List<RoomPlan> join, List<StateSpan> invite, List<StateSpan> knock, List<RoomPlan> leave) {}

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
                        plans.knock(),
                        plans.leave().stream()
                                .filter(plan -> !forgotten.contains(RoomId.parse(plan.roomId())))
                                .toList()));
    }

    private Mono<Plans> plan(
            SyncContext context,
            Map<String, StateSpan> now,
            Map<String, StateSpan> atSince,
            List<StateSpan> changedSince) {
        SyncRequest request = context.request();
        long position = context.position(SyncStream.EVENTS);
        SyncFilter filter = request.filter();
        Optional<Long> since = request.since().map(SyncToken::events);
        long after = since.orElse(Long.MIN_VALUE);
        // A membership other than join that began in between: a join now is a rejoin.
        Set<String> rejoined = changedSince.stream()
                .filter(span -> span.addedPosition() > after)
                .filter(span -> !span.membershipOrEmpty().equals("join"))
                .map(StateSpan::roomId)
                .collect(Collectors.toSet());
        List<RoomPlan> fullJoins = new ArrayList<>();
        List<String> deltaJoins = new ArrayList<>();
        List<StateSpan> invites = new ArrayList<>();
        List<StateSpan> knocks = new ArrayList<>();
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
                        fullJoins.add(
                                new RoomPlan(roomId, after, position, Optional.empty(), true, Optional.of(membership)));
                    } else {
                        deltaJoins.add(roomId);
                    }
                }
                case "invite" -> {
                    if (since.isEmpty() || membership.addedPosition() > since.get()) {
                        invites.add(membership);
                    }
                }
                case "knock" -> {
                    if (since.isEmpty() || membership.addedPosition() > since.get()) {
                        knocks.add(membership);
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
                                false,
                                Optional.empty()));
                    }
                }
                default -> {
                    // unknown memberships: not shown
                }
            }
        }
        if (deltaJoins.isEmpty()) {
            return Mono.just(new Plans(fullJoins, invites, knocks, leaves));
        }
        return context.roomsWithEvents(deltaJoins).map(active -> {
            List<RoomPlan> joins = new ArrayList<>(fullJoins);
            for (String roomId : deltaJoins) {
                if (active.contains(roomId)) {
                    joins.add(new RoomPlan(roomId, after, position, since, true, Optional.of(now.get(roomId))));
                }
            }
            return new Plans(joins, invites, knocks, leaves);
        });
    }

    private static List<StateSpan> sortedByPosition(java.util.Collection<StateSpan> spans) {
        List<StateSpan> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingLong(StateSpan::addedPosition).thenComparing(StateSpan::roomId));
        return sorted;
    }

    /**
     * A room's section, and for a joined room the user's unread counts in it when they were read with its timeline.
     */
    private record RoomSection(JsonObject json, Optional<PushActionsTable.RoomCounts> unreadCounts) {}

    /**
     * A joined or left room: timeline, state, and (joined rooms) the summary.
     *
     * @param sent the member events the device already has, left out of a lazy-loading {@code state}
     * @param sectionRead a joined room's section, when read with the user's rooms ({@link SyncContext#sectionRead})
     */
    private Mono<RoomSection> roomSection(
            SyncRequest request,
            RoomPlan plan,
            LazyLoadedMembers.SentMembers sent,
            Optional<SyncApiDatabase.TimelineAndStateSince> sectionRead) {
        int limit = request.filter().timelineLimit();
        // A room the user stayed joined to since the since (a section from there up to the response's position): read
        // with the user's rooms, as below, when the attempt's first statement had it.
        if (plan.join().isPresent() && plan.stateSince().isPresent() && sectionRead.isPresent()) {
            SyncApiDatabase.TimelineAndStateSince read = sectionRead.get();
            return roomSection(request, plan, sent, limit, read.newestFirst(), Optional.of(read.stateSince()))
                    .map(json -> new RoomSection(json, read.unreadCounts()));
        }
        // One more event than the timeline shows tells whether it is limited. With a since, what changed in the state
        // (with the member events of the timeline's senders that a lazy-loading state sends even if unchanged) comes
        // in the same statement, read once for the state section and to tell whether the members changed, and so do
        // a joined room's unread counts.
        return plan.stateSince()
                .map(since -> database.roomEventsWithStateSince(new SyncApiDatabase.SectionQuery(
                                plan.roomId(),
                                plan.after(),
                                plan.to(),
                                limit,
                                since,
                                request.stateAfterKey().isPresent(),
                                request.filter().lazyLoadMembers(),
                                plan.join()
                                        .map(join -> request.device().userId().toString())))
                        .flatMap(read -> roomSection(
                                        request, plan, sent, limit, read.newestFirst(), Optional.of(read.stateSince()))
                                .map(json -> new RoomSection(json, read.unreadCounts()))))
                .orElseGet(() -> database.roomEvents(plan.roomId(), plan.after(), plan.to(), limit + 1, true)
                        .flatMap(events -> roomSection(request, plan, sent, limit, events, Optional.empty()))
                        .map(json -> new RoomSection(json, Optional.empty())));
    }

    /** {@link #roomSection} once its newest events, and with a since what changed in its state, are read. */
    private Mono<JsonObject> roomSection(
            SyncRequest request,
            RoomPlan plan,
            LazyLoadedMembers.SentMembers sent,
            int limit,
            List<StoredEvent> newestFirst,
            Optional<SyncApiDatabase.StateSince> stateSince) {
        String user = request.device().userId().toString();
        boolean limited = newestFirst.size() > limit;
        List<StoredEvent> timeline = new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
        Collections.reverse(timeline);
        return membershipHistory(plan, user, timeline)
                .flatMap(memberships -> section(request, plan, sent, timeline, limited, stateSince, memberships));
    }

    /** {@link #roomSection} once its timeline and the user's memberships in the room are read. */
    private Mono<JsonObject> section(
            SyncRequest request,
            RoomPlan plan,
            LazyLoadedMembers.SentMembers sent,
            List<StoredEvent> timeline,
            boolean limited,
            Optional<SyncApiDatabase.StateSince> stateSince,
            List<StateSpan> memberships) {
        AuthenticatedDevice device = request.device();
        String user = device.userId().toString();
        long timelineStart =
                timeline.isEmpty() ? plan.to() + 1 : timeline.getFirst().position();
        List<StoredEvent> visible = timeline.stream()
                .filter(event -> EventVisibility.canSee(event, user, memberships))
                .filter(request.filter().timeline()::matches)
                .toList();
        Set<String> timelineIds = timeline.stream().map(StoredEvent::eventId).collect(Collectors.toSet());
        // use_state_after: the state up to the timeline's end, its own state events included
        boolean stateAfter = request.stateAfterKey().isPresent();
        long stateTo = stateAfter ? plan.to() : timelineStart - 1;
        List<StateSpan> changed =
                stateSince.map(SyncApiDatabase.StateSince::changed).orElse(List.of());
        Mono<Optional<List<StateSpan>>> stateNow = plan.summary() && membersChanged(plan, timeline, changed)
                ? database.stateAt(plan.roomId(), plan.to()).map(Optional::of).cache()
                : Mono.just(Optional.empty());
        // Only a lazy-loading state waits for the heroes; otherwise both reads run side by side.
        Mono<Set<String>> heroes =
                request.filter().lazyLoadMembers() ? stateNow.map(now -> namingHeroes(now, user)) : Mono.just(Set.of());
        Mono<List<StoredEvent>> state = heroes.flatMap(named -> stateBetween(
                plan.roomId(),
                stateSince,
                stateTo,
                stateAfter ? Set.of() : timelineIds,
                stateChoice(request.filter(), user, visible, sent, named)));
        Mono<Optional<JsonObject>> summary = stateNow.map(now -> now.map(members -> summary(members, user)));
        long now = clock.millis();
        Mono<Map<String, JsonObject>> bundled =
                aggregations.of(visible, device, event -> EventVisibility.canSee(event, user, memberships), now);
        return Mono.zip(state, summary, bundled).map(parts -> {
            noteMembersSent(sent, parts.getT1(), visible);
            JsonObjectBuilder timelineJson = new JsonObjectBuilder()
                    .put(
                            "events",
                            new JsonArray(BundledAggregations.clientEvents(visible, parts.getT3(), device, now, false)))
                    .put("limited", limited)
                    .put("prev_batch", new StreamToken(timelineStart - 1).toString());
            JsonObjectBuilder room = new JsonObjectBuilder()
                    .put("timeline", timelineJson.build())
                    .put(
                            request.stateAfterKey().orElse("state"),
                            new JsonObjectBuilder()
                                    .put("events", clientEvents(parts.getT1(), device, now))
                                    .build());
            parts.getT2().ifPresent(s -> room.put("summary", s));
            return room.build();
        });
    }

    /**
     * Which state events a room's {@code state} holds: every one that changed since {@code since}, or with
     * {@code lazy_load_members} only those that are not member events, the timeline's senders' member events
     * (changed or not: the client may not have them, as Synapse) and the user's (as Synapse, so the client knows it
     * is in the room), less those the device already has ({@code sent}: {@code include_redundant_members: false}).
     *
     * @param wanted whether the event may be in {@code state}
     * @param membersEvenIfUnchanged the users whose member events are sent even if they were already the state at
     *     {@code since}
     */
    private record StateChoice(Predicate<StateSpan> wanted, Set<String> membersEvenIfUnchanged) {
        static final StateChoice ALL = new StateChoice(span -> true, Set.of());
    }

    private static StateChoice stateChoice(
            SyncFilter filter,
            String user,
            List<StoredEvent> visible,
            LazyLoadedMembers.SentMembers sent,
            Set<String> heroes) {
        if (!filter.lazyLoadMembers()) {
            return StateChoice.ALL;
        }
        Set<String> senders = new HashSet<>(heroes);
        senders.addAll(senders(visible));
        return new StateChoice(
                span -> !isMember(span)
                        || ((senders.contains(span.stateKey())
                                        || span.stateKey().equals(user))
                                && !sent.alreadySent(span.roomId(), span.stateKey(), span.eventId())),
                senders);
    }

    /** The senders of these events. */
    private static Set<String> senders(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::sender).collect(Collectors.toSet());
    }

    /**
     * The heroes whose member events a lazy-loading client needs to name the room (their display names), as Synapse
     * sends them: for a room with neither {@code m.room.name} nor {@code m.room.canonical_alias}; none when the room
     * has one, or when there is no summary.
     */
    private static Set<String> namingHeroes(Optional<List<StateSpan>> state, String user) {
        return state.filter(spans -> spans.stream()
                        .noneMatch(span -> span.stateKey().isEmpty()
                                && (span.type().equals("m.room.name")
                                        || span.type().equals("m.room.canonical_alias"))))
                .map(spans -> Set.copyOf(RoomSummary.of(spans, user).heroes()))
                .orElse(Set.of());
    }

    /** Notes the member events a response sends, in {@code state} and then in the timeline (which comes after). */
    private static void noteMembersSent(
            LazyLoadedMembers.SentMembers sent, List<StoredEvent> state, List<StoredEvent> timeline) {
        for (List<StoredEvent> events : List.of(state, timeline)) {
            for (StoredEvent event : events) {
                if (event.type().equals("m.room.member")) {
                    event.stateKey().ifPresent(stateKey -> sent.sent(event.roomId(), stateKey, event.eventId()));
                }
            }
        }
    }

    private static boolean isMember(StateSpan span) {
        return span.type().equals("m.room.member");
    }

    /**
     * The user's memberships in the room, for what of the timeline they may see: when they were joined throughout
     * it (their join began before its first event), that join alone tells, and nothing is read, unless an event of it
     * may have related events, whose visibility (they may come from before the join) needs the whole history.
     */
    private Mono<List<StateSpan>> membershipHistory(RoomPlan plan, String user, List<StoredEvent> timeline) {
        Optional<StateSpan> joinedThroughout = plan.join()
                .filter(join -> timeline.stream().allMatch(event -> event.position() > join.addedPosition()));
        if (joinedThroughout.isPresent() && timeline.stream().noneMatch(StoredEvent::mayHaveRelations)) {
            return Mono.just(List.of(joinedThroughout.get()));
        }
        return database.membershipHistory(plan.roomId(), user);
    }

    /**
     * Whether a joined room's members may have changed since the client's last sync, so that its summary is sent:
     * always for a room without {@code since} (initial, newly joined); else when a member event is in the timeline or
     * among the state that changed before it. An incremental sync leaves the summary out otherwise, as the spec
     * allows ("if this field has not changed since the last sync, it may be omitted") and as Synapse does: the summary
     * is the room's whole membership, read for every room of every woken sync.
     */
    private static boolean membersChanged(
            RoomPlan plan, List<StoredEvent> timeline, List<StateSpan> changedBeforeTimeline) {
        return plan.stateSince().isEmpty()
                || timeline.stream().anyMatch(event -> event.type().equals("m.room.member"))
                || changedBeforeTimeline.stream().anyMatch(RoomEventsStream::isMember);
    }

    /**
     * The state at {@code position} that {@code choice} wants, less what was already the state at the client's
     * since (when given; unless {@code choice} sends it anyway) and less the timeline's own events, oldest first.
     * With a since, only what changed in between and the members {@code choice} sends anyway are read ({@code
     * stateSince}, read with the timeline, and the members it did not read: the heroes), never the whole state.
     */
    private Mono<List<StoredEvent>> stateBetween(
            String roomId,
            Optional<SyncApiDatabase.StateSince> stateSince,
            long position,
            Set<String> timelineIds,
            StateChoice choice) {
        Mono<List<StateSpan>> candidates = stateSince
                .map(since -> {
                    List<StateSpan> spans = new ArrayList<>(since.changed());
                    spans.addAll(since.members());
                    Set<String> unread = new HashSet<>(choice.membersEvenIfUnchanged());
                    unread.removeAll(since.membersOf());
                    return unread.isEmpty()
                            ? Mono.just(spans)
                            : database.membersAt(roomId, unread, position).map(heroes -> {
                                spans.addAll(heroes);
                                return spans;
                            });
                })
                .orElseGet(() -> database.stateAt(roomId, position));
        return candidates
                .flatMap(spans -> {
                    Set<String> ids = new HashSet<>();
                    for (StateSpan span : spans) {
                        if (choice.wanted().test(span) && !timelineIds.contains(span.eventId())) {
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
        RoomSummary summary = RoomSummary.of(state, user);
        return new JsonObjectBuilder()
                .putStrings("m.heroes", summary.heroes())
                .put("m.joined_member_count", summary.joined())
                .put("m.invited_member_count", summary.invited())
                .build();
    }

    /**
     * An invited or knocked room: the stripped state of the room and the user's member event, under {@code key}
     * ({@code invite_state} or {@code knock_state}).
     */
    private Mono<JsonObject> strippedSection(StateSpan invite, long position, String key) {
        return strippedState(database, invite, position)
                .map(stripped -> new JsonObjectBuilder()
                        .put(
                                key,
                                new JsonObjectBuilder().put("events", stripped).build())
                        .build());
    }

    /**
     * The stripped state an invited or knocking user sees of a room ({@link #INVITE_STATE_TYPES} and the user's
     * member event), at {@code position}: the room's, or for a room this server is not in, what the inviting (or
     * knocked-on) server sent along.
     */
    static Mono<JsonArray> strippedState(SyncApiDatabase database, StateSpan invite, long position) {
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
                        // A room this server is not in: the state the inviting (or knocked-on) server sent along.
                        inviteEvent
                                .flatMap(event -> event.event().getObject("unsigned"))
                                .flatMap(unsigned -> unsigned.getArray("invite_room_state")
                                        .or(() -> unsigned.getArray("knock_room_state")))
                                .ifPresent(array -> array.values().stream()
                                        .filter(value -> value instanceof JsonObject)
                                        .forEach(
                                                value -> stripped.add(ClientEventFormat.stripped((JsonObject) value))));
                    }
                    events.stream()
                            .filter(event -> haveRoomState || event.eventId().equals(invite.eventId()))
                            .sorted(Comparator.comparingLong(StoredEvent::position))
                            .forEach(event -> stripped.add(ClientEventFormat.stripped(event.event())));
                    return new JsonArray(stripped);
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
