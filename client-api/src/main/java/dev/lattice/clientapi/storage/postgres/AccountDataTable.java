package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@code clientapi.account_data}: the latest content per (user, room, type); global account data has the empty
 * string as room. Each write takes a new position from {@code clientapi.account_data_stream}.
 */
public final class AccountDataTable {
    /**
     * An update draws its position in {@code DO UPDATE}, after it holds the row's lock: of two concurrent writes to one
     * (user, room, type) the one that commits last has the larger position, so the syncapi, which keeps the newest
     * position per key, never takes the newer content for a stale one. (Drawn in {@code VALUES}, before the lock,
     * the order could invert.)
     */
    private static final String UPSERT = "INSERT INTO clientapi.account_data"
            + " (localpart, room_id, type, content, stream_id)"
            + " VALUES (:localpart, :roomId, :type, :content, nextval('clientapi.account_data_stream'))"
            + " ON CONFLICT (localpart, room_id, type) DO UPDATE SET content = excluded.content,"
            + " stream_id = nextval('clientapi.account_data_stream') RETURNING stream_id";

    private static final String SELECT = "SELECT content FROM clientapi.account_data"
            + " WHERE localpart = :localpart AND room_id = :roomId AND type = :type";
    private static final String SELECT_ROW = "SELECT room_id, type, content, stream_id FROM clientapi.account_data"
            + " WHERE localpart = :localpart AND room_id = :roomId AND type = :type";
    private static final String SELECT_ALL = "SELECT room_id, type, content, stream_id FROM clientapi.account_data"
            + " WHERE localpart = :localpart ORDER BY stream_id";

    /**
     * One row.
     *
     * @param roomId the room, or the empty string for global account data
     * @param contentJson the content as JSON text
     * @param streamId the position of the write that stored it
     */
    public record Row(String roomId, String type, String contentJson, long streamId) {

        public Row {
            requireNonNull(roomId, "roomId is null");
            requireNonNull(type, "type is null");
            requireNonNull(contentJson, "contentJson is null");
        }
    }

    private final DatabaseClient client;

    public AccountDataTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Stores the content and returns the write's stream position. */
    public Mono<Long> upsert(String localpart, String roomId, String type, String contentJson) {
        return client.sql(UPSERT)
                .bind("localpart", localpart)
                .bind("roomId", roomId)
                .bind("type", type)
                .bind("content", Json.of(contentJson))
                .map(row -> row.get("stream_id", Long.class))
                .one();
    }

    /**
     * Holds a lock on one (user, room, type) for the rest of the transaction: read-modify-write updates of one piece
     * of account data (the push rules) never lose each other's changes.
     */
    public Mono<Void> lock(String localpart, String roomId, String type) {
        return client.sql("SELECT pg_advisory_xact_lock(hashtext(:key))")
                .bind("key", "clientapi.account_data|" + localpart + "|" + roomId + "|" + type)
                .then();
    }

    /** The content as JSON text. */
    public Mono<String> select(String localpart, String roomId, String type) {
        return client.sql(SELECT)
                .bind("localpart", localpart)
                .bind("roomId", roomId)
                .bind("type", type)
                .map(row -> row.get("content", Json.class).asString())
                .one();
    }

    /** The content with the position of its write; empty when there is none. */
    public Mono<Row> selectRow(String localpart, String roomId, String type) {
        return client.sql(SELECT_ROW)
                .bind("localpart", localpart)
                .bind("roomId", roomId)
                .bind("type", type)
                .map(AccountDataTable::toRow)
                .one();
    }

    /** All of a user's account data, global and per room, oldest write first. */
    public Mono<List<Row>> selectAll(String localpart) {
        return client.sql(SELECT_ALL)
                .bind("localpart", localpart)
                .map(AccountDataTable::toRow)
                .all()
                .collectList();
    }

    private static Row toRow(Readable row) {
        return new Row(
                row.get("room_id", String.class),
                row.get("type", String.class),
                row.get("content", Json.class).asString(),
                row.get("stream_id", Long.class));
    }
}
