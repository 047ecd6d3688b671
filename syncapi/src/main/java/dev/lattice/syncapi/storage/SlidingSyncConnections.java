package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * What each Simplified Sliding Sync connection was sent, so that a response carries only what changed for its client.
 * A connection is a device's {@code conn_id}, begun by a request without {@code pos}; each response gives a new
 * {@code pos}, and the rooms it sent are recorded as of that {@code pos}. A client that sends a {@code pos} back has
 * received that response and not necessarily any later one (a request may be cancelled, or its answer lost), so the
 * state a request starts from is the one as of its {@code pos}, and later positions are forgotten.
 */
public interface SlidingSyncConnections {

    /**
     * A room as a connection's client has it.
     *
     * @param sentThrough the room events position up to which its events were sent
     * @param countsThrough the receipts stream position when its section (with its unread counts) was last sent: a
     *     read receipt of the user's own after it changed the counts the client has
     * @param membership the user's membership it was sent with ({@code invite} rooms are sent stripped state only)
     * @param timelineLimit the largest timeline it was asked for
     * @param requiredState the {@code required_state} it was sent with, as canonical JSON
     * @param extensionsBehind for each extension stream (by {@code SyncStream} name) whose scope the room left, the
     *     stream position up to which the client has the room's data of it; a stream not named is live: the client
     *     has it up to the {@code pos}'s stream positions
     */
    record SentRoom(
            String roomId,
            long sentThrough,
            long countsThrough,
            String membership,
            int timelineLimit,
            String requiredState,
            Map<String, Long> extensionsBehind) {
        public SentRoom {
            requireNonNull(roomId, "roomId is null");
            requireNonNull(membership, "membership is null");
            requireNonNull(requiredState, "requiredState is null");
            extensionsBehind = Map.copyOf(extensionsBehind);
        }

        /** This room with other extension streams behind. */
        public SentRoom withExtensionsBehind(Map<String, Long> behind) {
            return new SentRoom(roomId, sentThrough, countsThrough, membership, timelineLimit, requiredState, behind);
        }
    }

    /**
     * A {@code pos} of a connection.
     *
     * @param syncToken the stream positions the response covered (a {@code /sync} token)
     * @param listCounts each list's room count in that response, as canonical JSON
     * @param rooms every room the connection's client was sent up to this {@code pos}, by room ID
     */
    record Position(long connectionId, long pos, String syncToken, String listCounts, Map<String, SentRoom> rooms) {
        public Position {
            requireNonNull(syncToken, "syncToken is null");
            requireNonNull(listCounts, "listCounts is null");
            rooms = Map.copyOf(rooms);
        }
    }

    /** Begins a connection, ending the device's earlier one of the same {@code conn_id}; its ID. */
    Mono<Long> begin(String userId, String deviceId, String connId, long now);

    /**
     * The connection state at {@code pos}, when {@code pos} belongs to this device's {@code conn_id}; reading it
     * acknowledges it: the connection's other positions are forgotten, and the connection counts as used at
     * {@code now}. Empty for an unknown or forgotten {@code pos}.
     */
    Mono<Optional<Position>> resume(String userId, String deviceId, String connId, long pos, long now);

    /** Deletes every connection of these devices (deleted devices never sync again); how many. */
    Mono<Long> deleteDevices(String userId, List<String> deviceIds);

    /**
     * Deletes the connections last used before {@code usedBefore} (a client coming back begins anew after
     * {@code M_UNKNOWN_POS}); how many.
     */
    Mono<Long> deleteIdle(long usedBefore);

    /**
     * Records a response: a new {@code pos} of the connection, the rooms it sent; that {@code pos}.
     *
     * @param parentPos the {@code pos} of the request it answers; 0 for a new connection's first response
     * @return empty when the connection ended meanwhile (the device began it anew)
     */
    Mono<Long> record(
            long connectionId, long parentPos, String syncToken, String listCounts, List<SentRoom> sent, long now);
}
