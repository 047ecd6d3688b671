package dev.lattice.syncapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.syncapi.storage.AccountDataChange;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@code syncapi.account_data_changes}: the latest change of each (user, room, type) of account data, at its position
 * in the account data stream. Global account data has the empty string as room.
 */
public final class AccountDataChangesTable {
    /**
     * A new position for a change newer than the one stored; nothing (no row returned) for a replay or an older
     * record. The sequence value drawn for a conflicting replay is wasted, which only leaves a gap.
     */
    private static final String UPSERT = "INSERT INTO syncapi.account_data_changes"
            + " (user_id, room_id, type, position, client_stream_id)"
            + " VALUES (:user_id, :room_id, :type, nextval('syncapi.account_data_position_seq'), :client_stream_id)"
            + " ON CONFLICT (user_id, room_id, type) DO UPDATE"
            + " SET position = excluded.position, client_stream_id = excluded.client_stream_id"
            + " WHERE syncapi.account_data_changes.client_stream_id < excluded.client_stream_id"
            + " RETURNING position";

    private static final String SELECT_CHANGES = "SELECT room_id, type, position FROM syncapi.account_data_changes"
            + " WHERE user_id = :user_id AND position > :after AND position <= :to ORDER BY position";

    private final DatabaseClient client;

    public AccountDataChangesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /**
     * Records a change; empty when a change with a {@code clientStreamId} at least as new is already stored.
     *
     * @param roomId the room, or the empty string for global account data
     */
    public Mono<OptionalLong> upsert(String userId, String roomId, String type, long clientStreamId) {
        return StreamPositions.returned(client.sql(UPSERT)
                .bind("user_id", userId)
                .bind("room_id", roomId)
                .bind("type", type)
                .bind("client_stream_id", clientStreamId));
    }

    /** The newest position; 0 when nothing changed yet. */
    public Mono<Long> selectMaxPosition() {
        return StreamPositions.newest(client, "syncapi.account_data_changes");
    }

    /** The user's changes with positions in (after, to], oldest first. */
    public Mono<List<AccountDataChange>> selectChanges(String userId, long after, long to) {
        return client.sql(SELECT_CHANGES)
                .bind("user_id", userId)
                .bind("after", after)
                .bind("to", to)
                .map(row -> {
                    String roomId = row.get("room_id", String.class);
                    return new AccountDataChange(
                            roomId.isEmpty() ? Optional.empty() : Optional.of(roomId),
                            row.get("type", String.class),
                            row.get("position", Long.class));
                })
                .all()
                .collectList();
    }
}
