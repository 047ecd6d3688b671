package dev.lattice.federationapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.storage.StoredKeyResponse;
import dev.lattice.protocol.json.CanonicalJson;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code federationapi.server_key_responses}: the newest verified key response of each other server. */
public final class ServerKeyResponsesTable {
    /** As for the keys, a response replaces only one fetched no later than itself. */
    private static final String UPSERT = "INSERT INTO federationapi.server_key_responses"
            + " (server_name, response_json, valid_until_ts, fetched_ts, fetched_from)"
            + " VALUES (:server_name, :response_json, :valid_until_ts, :fetched_ts, :fetched_from)"
            + " ON CONFLICT (server_name) DO UPDATE SET response_json = excluded.response_json,"
            + " valid_until_ts = excluded.valid_until_ts, fetched_ts = excluded.fetched_ts,"
            + " fetched_from = excluded.fetched_from"
            + " WHERE federationapi.server_key_responses.fetched_ts <= excluded.fetched_ts";

    private static final String SELECT = "SELECT response_json, valid_until_ts, fetched_ts"
            + " FROM federationapi.server_key_responses WHERE server_name = :server_name";

    private final DatabaseClient client;

    public ServerKeyResponsesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> upsert(
            String serverName, String responseJson, long validUntilTs, long fetchedTs, String fetchedFrom) {
        return client.sql(UPSERT)
                .bind("server_name", serverName)
                .bind("response_json", responseJson)
                .bind("valid_until_ts", validUntilTs)
                .bind("fetched_ts", fetchedTs)
                .bind("fetched_from", fetchedFrom)
                .then();
    }

    public Mono<Optional<StoredKeyResponse>> select(String serverName) {
        return client.sql(SELECT)
                .bind("server_name", serverName)
                .map(row -> new StoredKeyResponse(
                        CanonicalJson.parseObject(row.get("response_json", String.class)),
                        row.get("valid_until_ts", Long.class),
                        row.get("fetched_ts", Long.class)))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
