package dev.lattice.roomserver.storage;

import dev.lattice.api.roomserver.PartialStateRoom;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.auth.StateKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The roomserver's storage. Reads are single queries; {@link #store} is the transaction that keeps the DAG, the
 * current state and the outbox consistent.
 */
public interface RoomserverDatabase {

    /** The room's row; cached unless its state is partial (a partial room's row changes once, when completed). */
    Mono<Optional<RoomRow>> room(String roomId);

    /** The rooms whose state is partial (this server joined them with the members omitted, not fetched yet). */
    Mono<List<PartialStateRoom>> partialStateRooms();

    Mono<Optional<EventRow>> event(String eventId);

    /**
     * The room's accepted event with state (not an outlier) closest to {@code ts} by {@code origin_server_ts}: the
     * first at or after it when {@code forwards}, else the last at or before it; ties in the order events were stored.
     */
    Mono<Optional<EventRow>> eventAtTimestamp(String roomId, long ts, boolean forwards);

    /** The stored events among {@code eventIds}, by ID. */
    Mono<Map<String, EventRow>> events(Collection<String> eventIds);

    /**
     * The state snapshot after each of {@code eventIds} that is stored with state (not an outlier, not rejected), by
     * event ID; the others are left out. An event's state, once stored, never changes, so this is cached; except in a
     * room whose state is partial, where it is replaced once the state is complete: {@code partialRoom} reads past
     * the cache and caches nothing.
     */
    Mono<Map<String, Long>> statesAfter(Collection<String> eventIds, boolean partialRoom);

    /** The stored events among {@code eventIds} and their auth chains, by ID. */
    Mono<Map<String, EventRow>> eventsWithAuthChains(Collection<String> eventIds);

    /**
     * The IDs reachable from {@code eventIds} over {@code auth_events}, the given IDs included: the auth chain
     * without loading its events.
     */
    Mono<Set<String>> authChainIds(Collection<String> eventIds);

    /** A stored state snapshot, its delta chain applied; cached, since snapshots never change. */
    Mono<StateSnapshot> snapshot(long snapshotNid);

    /** The current state of a room. */
    Mono<Map<StateKey, String>> currentState(String roomId);

    /**
     * The entries of these keys in the current state of a room (the keys it has no entry for are left out): what an
     * auth check reads, without reading a large room's whole state.
     */
    Mono<Map<StateKey, String>> currentState(String roomId, Collection<StateKey> keys);

    /** A forward extremity: its event ID and depth. */
    record Extremity(String eventId, long depth) {}

    /**
     * What a new event of the room is built from, read in one statement.
     *
     * @param extremities the room's forward extremities, deepest first (ties by event ID, so the order is stable)
     * @param state the entries of the asked keys in its current state, as {@link #currentState(String, Collection)}
     */
    record Latest(List<Extremity> extremities, Map<StateKey, String> state) {}

    /** {@link Latest}: the forward extremities, and the current state's entries at {@code keys}. */
    Mono<Latest> latest(String roomId, Collection<StateKey> keys);

    Mono<List<CurrentStateRow>> currentStateRows(String roomId);

    /** The server names of the members joined to a room in its current state, each once. */
    Mono<Set<String>> joinedServers(String roomId);

    Mono<Optional<CurrentStateRow>> currentStateEntry(String roomId, StateKey key);

    /** The member events of {@code userId} with {@code membership}, in every room. */
    Mono<List<CurrentStateRow>> memberships(String userId, String membership);

    /**
     * The event a client transaction sent, if any: in its own room when it has a scope ({@link
     * SendTransaction#roomId()}), else in {@code roomId}.
     */
    Mono<Optional<String>> transactionEvent(SendTransaction transaction, String roomId);

    /**
     * What an input is checked against before it is decided, read in one statement.
     *
     * @param event the event, if stored already
     * @param transactionEventId the event the input's client transaction sent, if it has one and one was sent
     * @param extremities the room's forward extremities (unordered), when asked for: what a new event is
     *     decided against (the room's one writer, deciding this input, changes them only by storing it)
     */
    record Prior(Optional<EventRow> event, Optional<String> transactionEventId, Optional<List<EventRow>> extremities) {}

    /** {@link Prior}: the event, its client transaction's event, and with {@code withExtremities} the extremities. */
    Mono<Prior> prior(String eventId, Optional<SendTransaction> transaction, String roomId, boolean withExtremities);

    /** Whether {@code userId} has an accepted join in the room stored at or after the event {@code eventNid}. */
    Mono<Boolean> joinedSince(String roomId, String userId, long eventNid);

    /**
     * Stores a decided event and everything it changes, with its {@code roomserver.output} records in the outbox,
     * atomically (one transaction, or one statement when only the event, its extremities and its records are
     * written); then publishes those records, and completes with the stored row (its snapshot IDs filled in).
     * A failure to publish after the commit is logged and left to the outbox's sweeper. Fails on a duplicate event ID,
     * leaving nothing changed and publishing nothing.
     */
    Mono<EventRow> store(EventWrite write);

    /**
     * Stores events that change nothing but themselves (outliers, rejections: {@link EventWrite#eventOnly}) in one
     * transaction, in order, creating {@code newRoom} first when not null. Fails on a duplicate event ID, leaving
     * nothing changed.
     */
    Mono<Void> storeEventsOnly(RoomRow newRoom, List<EventRow> events);

    /** Our user's latest membership in a room not held here; empty if none. */
    Mono<Optional<OutsideMembership>> outsideMembership(String roomId, String userId);

    /**
     * Stores a membership in a room not held here, replacing the user's previous one, and its output record, in one
     * transaction (the record published after the commit, as for {@link #store}).
     */
    Mono<Void> storeOutsideMembership(OutsideMembership membership, byte[] output);

    /**
     * Completes the state of a partial room, in one transaction: each state snapshot of its partial-state events
     * ({@link EventWrite#partialState}) is replaced by one that also holds every entry of {@code fill} whose key it
     * lacks; the current state gains {@code currentStateAdds}; the room and its events are no longer partial; and
     * {@code outbox} is published as for {@link #store}.
     *
     * @param fill the whole state before the partial-state join
     */
    Mono<Void> completePartialState(
            String roomId,
            Map<StateKey, String> fill,
            List<CurrentStateRow> currentStateAdds,
            List<EventWrite.OutboxRecord> outbox);
}
