package dev.lattice.federationapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.storage.StoredVerifyKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.KeyId;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code federationapi.server_signing_keys}: every key of another server a verified response listed. */
public final class ServerSigningKeysTable {
    /**
     * Newer facts win: a row is replaced only by a response fetched later, so a slow notary answer cannot undo a
     * fresher direct one.
     */
    private static final String UPSERT = "INSERT INTO federationapi.server_signing_keys"
            + " (server_name, key_id, public_key, valid_until_ts, expired, fetched_ts)"
            + " VALUES (:server_name, :key_id, :public_key, :valid_until_ts, :expired, :fetched_ts)"
            + " ON CONFLICT (server_name, key_id) DO UPDATE SET public_key = excluded.public_key,"
            + " valid_until_ts = excluded.valid_until_ts, expired = excluded.expired, fetched_ts = excluded.fetched_ts"
            + " WHERE federationapi.server_signing_keys.fetched_ts <= excluded.fetched_ts";

    private static final String SELECT = "SELECT public_key, valid_until_ts, expired"
            + " FROM federationapi.server_signing_keys WHERE server_name = :server_name AND key_id = :key_id";

    private final DatabaseClient client;

    public ServerSigningKeysTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> upsert(String serverName, VerifyKey key, boolean expired, long fetchedTs) {
        return client.sql(UPSERT)
                .bind("server_name", serverName)
                .bind("key_id", key.keyId().value())
                .bind("public_key", key.publicKeyBase64())
                .bind("valid_until_ts", key.validUntilTs())
                .bind("expired", expired)
                .bind("fetched_ts", fetchedTs)
                .then();
    }

    public Mono<Optional<StoredVerifyKey>> select(String serverName, KeyId keyId) {
        return client.sql(SELECT)
                .bind("server_name", serverName)
                .bind("key_id", keyId.value())
                .map(row -> new StoredVerifyKey(
                        VerifyKey.fromBase64(
                                keyId, row.get("public_key", String.class), row.get("valid_until_ts", Long.class)),
                        Boolean.TRUE.equals(row.get("expired", Boolean.class))))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
