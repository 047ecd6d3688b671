package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.StoredAccessToken;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@code clientapi.access_tokens}: access tokens by SHA-256 hash. The token itself is never stored, and a lookup
 * is an index probe on the hash, so the database never compares a secret the client controls.
 */
public final class AccessTokensTable {
    private static final String INSERT = "INSERT INTO clientapi.access_tokens"
            + " (token_hash, localpart, device_id, refresh_token_hash, created_ts, expires_ts)"
            + " VALUES (:hash, :localpart, :deviceId, :refreshHash, :now, :expires)";
    /** The owner, and the replaced refresh token that this token's first use revokes. */
    private static final String SELECT = "SELECT a.localpart, a.device_id, a.expires_ts, a.refresh_token_hash,"
            + " r.previous_hash FROM clientapi.access_tokens a"
            + " LEFT JOIN clientapi.refresh_tokens r ON r.token_hash = a.refresh_token_hash"
            + " WHERE a.token_hash = :hash";

    private static final String DELETE_BY_REFRESH =
            "DELETE FROM clientapi.access_tokens" + " WHERE refresh_token_hash = :refreshHash";

    private final DatabaseClient client;

    public AccessTokensTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(
            byte[] hash, String localpart, String deviceId, byte[] refreshHash, Long expires, long now) {
        var spec = client.sql(INSERT)
                .bind("hash", hash)
                .bind("localpart", localpart)
                .bind("deviceId", deviceId)
                .bind("now", now);
        spec = Sql.bindNullable(spec, "refreshHash", refreshHash, byte[].class);
        return Sql.bindNullable(spec, "expires", expires, Long.class).then();
    }

    public Mono<StoredAccessToken> select(byte[] hash) {
        return client.sql(SELECT)
                .bind("hash", hash)
                .map(row -> new StoredAccessToken(
                        row.get("localpart", String.class),
                        row.get("device_id", String.class),
                        row.get("expires_ts", Long.class),
                        bytes(row.get("refresh_token_hash")),
                        bytes(row.get("previous_hash"))))
                .one();
    }

    /** Revokes the access tokens issued with a refresh token. */
    public Mono<Long> deleteByRefreshToken(byte[] refreshHash) {
        return client.sql(DELETE_BY_REFRESH)
                .bind("refreshHash", refreshHash)
                .fetch()
                .rowsUpdated();
    }

    /** bytea arrives as a ByteBuffer or a byte[] depending on the driver's codec. */
    static byte[] bytes(Object value) {
        if (value instanceof java.nio.ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        return (byte[]) value;
    }
}
