package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.StoredRefreshToken;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@code clientapi.refresh_tokens}: refresh tokens by SHA-256 hash. A refreshed token stays valid (as
 * {@code previous_hash} of its successor) until the successor or its access token is first used, as the spec asks,
 * so a client that lost the refresh response can retry.
 */
public final class RefreshTokensTable {
    private static final String INSERT = "INSERT INTO clientapi.refresh_tokens"
            + " (token_hash, localpart, device_id, previous_hash, created_ts)"
            + " VALUES (:hash, :localpart, :deviceId, :previous, :now)";
    private static final String SELECT_FOR_UPDATE = "SELECT localpart, device_id, previous_hash"
            + " FROM clientapi.refresh_tokens WHERE token_hash = :hash FOR UPDATE";
    private static final String DELETE = "DELETE FROM clientapi.refresh_tokens WHERE token_hash = :hash";
    private static final String DELETE_SUCCESSORS = "DELETE FROM clientapi.refresh_tokens WHERE previous_hash = :hash";
    private static final String CLEAR_PREVIOUS =
            "UPDATE clientapi.refresh_tokens SET previous_hash = NULL" + " WHERE token_hash = :hash";

    private final DatabaseClient client;

    public RefreshTokensTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(byte[] hash, String localpart, String deviceId, byte[] previous, long now) {
        var spec = client.sql(INSERT)
                .bind("hash", hash)
                .bind("localpart", localpart)
                .bind("deviceId", deviceId)
                .bind("now", now);
        return Sql.bindNullable(spec, "previous", previous, byte[].class).then();
    }

    /** The token's row, locked until the transaction ends so two refreshes of one token serialise. */
    public Mono<StoredRefreshToken> selectForUpdate(byte[] hash) {
        return client.sql(SELECT_FOR_UPDATE)
                .bind("hash", hash)
                .map(row -> new StoredRefreshToken(
                        row.get("localpart", String.class),
                        row.get("device_id", String.class),
                        AccessTokensTable.bytes(row.get("previous_hash"))))
                .one();
    }

    /** Revokes a refresh token and, by cascade, the access tokens issued with it. */
    public Mono<Long> delete(byte[] hash) {
        return client.sql(DELETE).bind("hash", hash).fetch().rowsUpdated();
    }

    /** Revokes the tokens that replaced {@code hash} (issued by a refresh whose response the client lost). */
    public Mono<Long> deleteSuccessors(byte[] hash) {
        return client.sql(DELETE_SUCCESSORS).bind("hash", hash).fetch().rowsUpdated();
    }

    public Mono<Void> clearPrevious(byte[] hash) {
        return client.sql(CLEAR_PREVIOUS).bind("hash", hash).then();
    }
}
