package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.NewRoomEvent;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.syncapi.storage.postgres.EventSearchTable;
import dev.lattice.syncapi.storage.postgres.PushActionsTable;
import dev.lattice.syncapi.storage.postgres.ToDeviceTable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The syncapi's storage: room events in stream order, the history of each room's state, and which account data
 * changed. Positions are those of the room events stream ({@link dev.lattice.syncapi.internal.StreamToken#events()})
 * unless a method says account data stream; "state at position p" means the state just after the event at p was
 * applied.
 */
public interface SyncApiDatabase {

    /**
     * Stores an event from the roomserver with a new stream position and applies its state delta, in one
     * transaction. Live events are serialised across all writers, so positions become visible in order.
     *
     * @param joinFromGivenState whether the event is a local user's join to another server's room, whose state the
     *     delta adds as outliers: those count as held since their own (history) positions, where a timeline starting
     *     at the join looks for the state before it; otherwise every added event holds from this event on, so an
     *     incremental sync shows the change (state taken at a gap in federation, a state resolution)
     * @param pushActions whom a live event that changes no state notifies, known before it is stored: stored by the
     *     event's own insert, so with it or (a replay) not at all; empty to store them apart
     *     ({@link #storePushActions})
     * @return the new position, or empty if the event was already stored (a replay, which changes nothing)
     * @throws IllegalArgumentException for push actions of an event that is historical, an outlier or changes state
     */
    Mono<OptionalLong> storeEvent(
            NewRoomEvent record, Pdu pdu, boolean joinFromGivenState, Optional<PushActionRows> pushActions);

    /**
     * Whether the event is live and changes no state, so that the state at it is the state before it: the events whose
     * push actions may be known before they are stored ({@link #storeEvent}).
     */
    static boolean liveAndChangesNoState(NewRoomEvent record, boolean joinFromGivenState) {
        return !record.historical()
                && !record.outlier()
                && !joinFromGivenState
                && record.addsStateEventIds().isEmpty()
                && record.removesStateEventIds().isEmpty();
    }

    /**
     * Stores outliers of one room (the state a join starts from: {@link dev.lattice.api.roomserver.StateOutliers}) as
     * {@link #storeEvent} stores each, all in one transaction and one insert. Events already stored are left as they
     * are.
     *
     * @param events the records, each with its parsed PDU, in order
     */
    Mono<Void> storeOutliers(List<Map.Entry<NewRoomEvent, Pdu>> events);

    /**
     * Adds to a room's current state what its partial state lacked ({@link
     * dev.lattice.api.roomserver.PartialStateCompleted}): each of {@code eventIds} (stored, mostly as outliers) whose key
     * has no current entry. Those events were the state before this server's join, so the state at positions before
     * the join holds them (from the event's own position); from the join to now clients were shown the partial
     * state, which stays as it was; and they are current from a new stream position on, so an incremental
     * {@code /sync} after it lists them in {@code state} (clients that do not load members lazily learn the members
     * there). The room is no longer partial ({@link #startPartialState}). A replay changes nothing.
     *
     * @return that new position (no event has it; the events stream's newest position counts it); empty for a replay
     */
    Mono<OptionalLong> completeState(String roomId, List<String> eventIds);

    /**
     * Notes that the room's member list is incomplete here until {@link #completeState}, from this server's join on;
     * again, nothing changes.
     */
    Mono<Void> startPartialState(String roomId, String joinEventId);

    /** Whether the room's member list is incomplete here (this server joined it with partial state). */
    Mono<Boolean> isPartialState(String roomId);

    /**
     * Replaces a stored event with its redacted form, once.
     *
     * @return whether it changed anything (false when already redacted or unknown)
     */
    Mono<Boolean> storeRedaction(String eventId, JsonObject redactedEvent, JsonObject redactedBecause);

    /** The position of the newest live event; 0 when there is none. */
    Mono<Long> currentPosition();

    /** Every stored stream's newest position, in one statement: each as its stream's own read gives it. */
    Mono<StoredPositions> storedPositions();

    /** How many of {@code eventIds} are in their room's timeline (outliers are not). */
    Mono<Integer> countTimelineEvents(Collection<String> eventIds);

    /** Events by ID; unknown IDs are left out. */
    Mono<List<StoredEvent>> events(Collection<String> eventIds);

    /**
     * Events of a room with positions in ({@code afterExclusive}, {@code toInclusive}], the first {@code limit} in
     * the given order.
     */
    Mono<List<StoredEvent>> roomEvents(
            String roomId, long afterExclusive, long toInclusive, int limit, boolean descending);

    /**
     * Which rooms have events with positions in (their own {@code afterExclusive}, {@code toInclusive}]: one query
     * however many rooms.
     */
    Mono<Set<String>> roomsWithEventsAfter(Map<String, Long> afterExclusiveByRoom, long toInclusive);

    /** Which of {@code roomIds} have events with positions in ({@code afterExclusive}, {@code toInclusive}]. */
    Mono<Set<String>> roomsWithEvents(Collection<String> roomIds, long afterExclusive, long toInclusive);

    /** The state of a room at {@code position}. */
    Mono<List<StateSpan>> stateAt(String roomId, long position);

    /**
     * The state of a room at the event at {@code position} (with the spans that ended there), with the contents of
     * its power levels event and, unless {@code membersOf} is empty, of its joined members' events whose user IDs are
     * on that server: what the push rules read and whom the event wakes, in one statement.
     */
    Mono<EventState> stateAtEvent(String roomId, long position, Optional<ServerName> membersOf);

    /**
     * {@link #stateAtEvent} of the room's newest event, a live one its consumer just stored (so every event stored
     * before it in the room is older): the only process remembers it between writes of the state, and answers a later
     * event that changed no state from it, reading nothing.
     */
    Mono<EventState> stateAtNewestEvent(String roomId, long position, Optional<ServerName> membersOf);

    /**
     * {@link #stateAtNewestEvent} of the room's newest event stored so far, when the only process remembers it and
     * nothing changed the state since, without reading anything: its {@link EventState#stateAfter} is then the state
     * at a next event that changes no state. Empty otherwise.
     */
    Optional<EventState> rememberedStateAtNewestEvent(String roomId, Optional<ServerName> membersOf);

    /**
     * What the state section of a room since a client's last sync is read from: the entries that changed, and the
     * member events of some users.
     *
     * @param changed the entries of the state at the position whose events were not part of the state at the since
     * @param members the member events of {@code membersOf} in the state at the position (changed or not)
     */
    record StateSince(List<StateSpan> changed, List<StateSpan> members, Set<String> membersOf) {}

    /**
     * A room's timeline since a client's last sync, what changed in its state, and the user's unread counts in it.
     *
     * @param newestFirst the events, newest first
     * @param unreadCounts the counts, when asked for
     */
    record TimelineAndStateSince(
            List<StoredEvent> newestFirst, StateSince stateSince, Optional<PushActionsTable.RoomCounts> unreadCounts) {}

    /**
     * What {@link #roomEventsWithStateSince} reads of a room.
     *
     * @param shown how many of the newest events in ({@code afterExclusive}, {@code toInclusive}] the timeline shows;
     *     one more is read, which tells whether it is limited
     * @param since the client's since, against which the state changed
     * @param stateAfter the state at {@code toInclusive} ({@code use_state_after}) instead of before the shown events
     * @param lazyMembers whether to read the member events of the shown events' senders, changed or not
     * @param unreadCountsOf the user whose unread counts in the room are read, if any
     */
    record SectionQuery(
            String roomId,
            long afterExclusive,
            long toInclusive,
            int shown,
            long since,
            boolean stateAfter,
            boolean lazyMembers,
            Optional<String> unreadCountsOf) {
        public SectionQuery {
            requireNonNull(roomId, "roomId is null");
            requireNonNull(unreadCountsOf, "unreadCountsOf is null");
        }
    }

    /**
     * A room's newest events as {@code query} asks, and in the same statement the entries of its state whose events
     * were not part of its state at the since: what changed in between, as a client holding the state at the since
     * sees it, without reading the whole state. That state is the one at the start of the shown events (before the
     * timeline a response shows), or with {@code stateAfter} at {@code toInclusive}. With {@code lazyMembers}, also
     * the member events of the shown events' senders in that state ({@link #membersAt}), changed or not. With
     * {@code unreadCountsOf}, that user's {@link #unreadCounts} in the room.
     */
    Mono<TimelineAndStateSince> roomEventsWithStateSince(SectionQuery query);

    /** The member events of these users in a room's state at {@code position} (those it has). */
    Mono<List<StateSpan>> membersAt(String roomId, Collection<String> userIds, long position);

    /** The state event {@code (type, stateKey)} of each of these rooms that has one at {@code position}, by room. */
    Mono<Map<String, StateSpan>> stateEntryAt(Collection<String> roomIds, String type, String stateKey, long position);

    /**
     * The position of each room's newest live event of one of {@code types} up to {@code toInclusive} (sliding sync's
     * {@code bump_stamp}); rooms without one are left out.
     */
    Mono<Map<String, Long>> newestOfTypes(Collection<String> roomIds, Collection<String> types, long toInclusive);

    /**
     * The position of the newest live event of one of {@code types} with a position in ({@code afterExclusive},
     * {@code toInclusive}], per room that has one: what changed in every room's {@link #newestOfTypes} since a point.
     */
    Mono<Map<String, Long>> newestOfTypesBetween(Collection<String> types, long afterExclusive, long toInclusive);

    /** The room's {@code m.room.history_visibility} at {@code position}; {@code shared} when unset. */
    Mono<String> historyVisibilityAt(String roomId, long position);

    /** The user's membership in each room where they have one at {@code position}, by room ID. */
    Mono<Map<String, StateSpan>> membershipsAt(String userId, long position);

    /**
     * The user's membership spans, in any room, that began or ended in ({@code afterExclusive}, {@code toInclusive}],
     * oldest first: none when the user's memberships at both positions are the same.
     */
    Mono<List<StateSpan>> membershipsChangedBetween(String userId, long afterExclusive, long toInclusive);

    /**
     * What an incremental {@code /sync} reads of the user's rooms between two room events positions, in one statement.
     *
     * @param at {@link #membershipsAt} the later position
     * @param changedSince {@link #membershipsChangedBetween} the two
     * @param memberChanges {@link #memberChanges} between the two in each room the user was joined to at either (what
     *     {@code device_lists} is computed from)
     * @param hasEvents of each of those rooms, whether it has events between the two ({@link #roomsWithEvents});
     *     empty when the positions are the same
     * @param sections when read with a {@link SectionShape}: the section of each room the user was joined to at both
     *     positions, with no other membership in between, that has events between them, by room ID: what
     *     {@link #roomEventsWithStateSince} reads of it after the earlier position up to the later, the state since
     *     the earlier, with the user's unread counts; else empty
     */
    record UserRooms(
            Map<String, StateSpan> at,
            List<StateSpan> changedSince,
            List<StateSpan> memberChanges,
            Map<String, Boolean> hasEvents,
            Map<String, TimelineAndStateSince> sections) {}

    /** {@link #storedPositions} and the {@link UserRooms} up to their room events position, read at once. */
    record PositionsAndUserRooms(StoredPositions positions, UserRooms rooms) {}

    /** What every room's {@link SectionQuery} of a {@code /sync} request has in common, besides its positions. */
    record SectionShape(int shown, boolean stateAfter, boolean lazyMembers) {}

    /**
     * {@link #storedPositions}, and the {@link UserRooms} ({@code afterExclusive}, their room events position], in
     * one statement: what an incremental {@code /sync} attempt reads first. With {@code sections}, that statement also
     * reads the sections of the rooms the user stayed joined to that have new events (where a woken {@code /sync}
     * finds what woke it), shaped so.
     */
    Mono<PositionsAndUserRooms> storedPositionsAndUserRoomsSince(
            String userId, long afterExclusive, Optional<SectionShape> sections);

    /** Every membership span the user ever had in the room, oldest first. */
    Mono<List<StateSpan>> membershipHistory(String roomId, String userId);

    /**
     * The users a new event at {@code position} in the room may concern: those joined or invited now, and those
     * whose membership changed at that position.
     */
    Mono<List<String>> usersToNotify(String roomId, long position);

    /**
     * Records that the user's account data of this (room, type) changed, at a new account data stream position,
     * unless a change with a {@code clientStreamId} at least as new is already recorded (a replay or a late record).
     * Writers are serialised like events, so positions become visible in order.
     *
     * @param roomId the room for per-room account data, empty for global account data
     * @param clientStreamId the client-api's position of the change
     * @return the new account data stream position, or empty when nothing changed
     */
    Mono<OptionalLong> storeAccountDataChange(String userId, Optional<String> roomId, String type, long clientStreamId);

    /**
     * The (room, type)s of the user's account data whose latest change has an account data stream position in
     * ({@code afterExclusive}, {@code toInclusive}], oldest first.
     */
    Mono<List<AccountDataChange>> accountDataChanges(String userId, long afterExclusive, long toInclusive);

    /**
     * Stores the messages of one {@code PUT /sendToDevice} transaction, once: a transaction the sending device
     * already sent stores nothing. Emits the recipients with the position of their newest message (empty for a
     * repeated transaction), to wake their {@code /sync}.
     */
    Mono<Map<String, Long>> storeToDevice(
            String sender, String senderDevice, String txnId, List<ToDeviceMessage> messages, long now);

    /** The newest to-device stream position; 0 before the first message. */
    Mono<Long> currentToDevicePosition();

    /** The device's to-device messages in ({@code after}, {@code to}], oldest first, at most {@code limit}. */
    Mono<List<ToDeviceTable.Delivered>> toDeviceMessages(
            String userId, String deviceId, long after, long to, int limit);

    /** Deletes the device's to-device messages up to {@code upTo}, which its {@code since} acknowledged. */
    Mono<Void> acknowledgeToDevice(String userId, String deviceId, long upTo);

    /** Of these parents, those with related events, each with the relation types ({@code rel_type}) they have. */
    Mono<Map<String, Set<String>>> relationTypes(Collection<String> parents);

    /** The relations of these types to these parents (e.g. edits and references for aggregations), oldest first. */
    Mono<List<Relation>> relations(Collection<String> parents, Collection<String> relTypes);

    /** The threads rooted at these events (those that have replies). */
    Mono<List<ThreadSummary>> threads(Collection<String> roots);

    /**
     * The children of these parents at positions in ({@code after}, {@code before}), of {@code relType} and event
     * {@code type} when given: at most {@code limit}, the newest or the oldest first.
     */
    Mono<List<Relation>> children(
            Collection<String> parents,
            Optional<String> relType,
            Optional<String> type,
            long after,
            long before,
            int limit,
            boolean newestFirst);

    /**
     * A room's thread roots whose latest reply is before {@code before}, newest activity first: root event ID →
     * latest reply position; with a participant, only threads whose root or a reply they sent.
     */
    Mono<List<Map.Entry<String, Long>>> threadRoots(
            String roomId, Optional<String> participant, long before, int limit);

    /**
     * At most {@code limit} users joined to a room {@code userId} is joined to or to a public room, whose user ID or
     * display name contains {@code term} (case-insensitively), by user ID.
     */
    Mono<List<DirectoryEntry>> searchUserDirectory(String userId, String term, int limit);

    /**
     * Stores another server's user's presence as its server sent it; a change of state or status message takes a new
     * presence position. Several processes may store the same update: only the first changes anything.
     *
     * @return the user's presence position after the write
     */
    Mono<Long> setRemotePresence(StoredPresence update, long now);

    /**
     * Sets a user's presence state (and status message, when given; an inner empty clears it); the user counts as
     * seen now, and as active now when {@code online}. Writers are serialised like events.
     *
     * @return the new presence stream position when what others see changed (state or status message), else empty
     */
    Mono<OptionalLong> setPresence(String userId, String state, Optional<Optional<String>> statusMsg, long now);

    /**
     * Keeps our user seen now (and active now when {@code online}) if their stored state is {@code state}: what
     * {@link #setPresence} does when nothing others see changes, in one statement.
     *
     * @return false when the user has no presence yet or another state; nothing was written then
     */
    Mono<Boolean> touchPresence(String userId, String state, long now);

    /**
     * The presence timers: users not seen since {@code offlineBefore} go offline, online users not active since
     * {@code idleBefore} become unavailable; each at a new position.
     *
     * @return the users changed, with their new positions
     */
    Mono<List<Map.Entry<String, Long>>> expirePresence(long offlineBefore, long idleBefore);

    Mono<Optional<StoredPresence>> presence(String userId);

    /** The presence of these users that changed at positions in ({@code afterExclusive}, {@code toInclusive}]. */
    Mono<List<StoredPresence>> presenceChanges(Collection<String> users, long afterExclusive, long toInclusive);

    /**
     * Whom an event notifies: each of {@code users} with whether it also highlights for them, and the pushes to queue
     * to the pushers of those {@code queued} ({@link #claimPendingPushes}).
     *
     * @param threadId the thread root of an event in a thread; the empty string for the main timeline
     * @param actions for each user, the matched rule's actions (a JSON array)
     * @param queued for each user, whether to queue a push (the user has a pusher)
     * @param now when the pushes are due, ms since the epoch
     */
    record PushActionRows(
            String threadId,
            List<String> users,
            List<Boolean> highlights,
            List<String> actions,
            List<Boolean> queued,
            long now) {
        public PushActionRows {
            requireNonNull(threadId, "threadId is null");
            users = List.copyOf(users);
            highlights = List.copyOf(highlights);
            actions = List.copyOf(actions);
            queued = List.copyOf(queued);
            if (highlights.size() != users.size() || actions.size() != users.size() || queued.size() != users.size()) {
                throw new IllegalArgumentException("one highlight, actions and queued flag per user");
            }
        }

        /** Whether a push is queued for anyone. */
        public boolean queuesAny() {
            return queued.contains(true);
        }
    }

    /**
     * Records whom the event at {@code position} notifies, and queues their pushes, in one statement. A replay stores
     * and queues nothing twice.
     */
    Mono<Void> storePushActions(String eventId, String roomId, long position, PushActionRows rows);

    /**
     * Up to {@code limit} pushes due at {@code now}, each held for this caller until {@code leaseEnd} (then due again
     * unless deleted or deferred), its attempt counted.
     */
    Mono<List<PendingPush>> claimPendingPushes(long now, long leaseEnd, int limit);

    /** The push was delivered, or given up: forget it. */
    Mono<Void> deletePendingPush(String eventId, String userId);

    /** The push failed for now: try again at {@code nextAttemptTs}. */
    Mono<Void> deferPendingPush(String eventId, String userId, long nextAttemptTs);

    /** The user's unread counts (after their read receipt) in these rooms; rooms without any are left out. */
    Mono<Map<String, PushActionsTable.RoomCounts>> unreadCounts(String userId, Collection<String> roomIds);

    /** Records that the user's device list changed, at a new device lists stream position; that position. */
    Mono<Long> storeDeviceListChange(String userId);

    /**
     * Events of these rooms whose searchable text under one of {@code keys} matches {@code term} (PostgreSQL
     * {@code websearch_to_tsquery}), best rank or newest first, skipping {@code offset}.
     */
    Mono<List<EventSearchTable.Match>> search(
            Collection<String> roomIds, List<String> keys, String term, boolean byRank, int offset, int limit);

    /** How many events {@link #search} would find in all. */
    Mono<Long> searchCount(Collection<String> roomIds, List<String> keys, String term);

    /** Deletes the to-device inboxes of deleted devices. */
    Mono<Void> deleteToDeviceInboxes(String userId, List<String> deviceIds);

    /** The users whose device lists changed at positions in ({@code afterExclusive}, {@code toInclusive}]. */
    Mono<List<String>> deviceListChanges(long afterExclusive, long toInclusive);

    /** Of {@code users}, those who share a joined room with {@code userId} at room events {@code position}. */
    Mono<Set<String>> usersSharingRooms(String userId, Collection<String> users, long position);

    /** Everyone sharing a joined room with {@code userId} at room events {@code position}. */
    Mono<Set<String>> allUsersSharingRooms(String userId, long position);

    /** The membership spans that started in these rooms at positions in ({@code afterExclusive}, {@code toInclusive}]. */
    Mono<List<StateSpan>> memberChanges(Collection<String> roomIds, long afterExclusive, long toInclusive);

    /**
     * Stores a receipt at a new receipts stream position, unless it changes nothing (a replay) or is older than the
     * stored one. Writers are serialised like events, so positions become visible in order.
     *
     * @return the new position, or empty when nothing changed
     */
    Mono<OptionalLong> storeReceipt(
            String roomId, String userId, String receiptType, Optional<String> threadId, String eventId, long ts);

    /** The receipts in these rooms with positions in ({@code afterExclusive}, {@code toInclusive}], oldest first. */
    Mono<List<StoredReceipt>> receipts(Collection<String> roomIds, long afterExclusive, long toInclusive);

    /** Convenience for single lookups. */
    default Mono<Optional<StoredEvent>> event(String eventId) {
        return events(List.of(eventId)).map(found -> found.stream().findFirst());
    }
}
