package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import io.r2dbc.postgresql.codec.Json;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code clientapi.filters}: sync filters, immutable once stored. */
public final class FiltersTable {
    private static final String INSERT =
            "INSERT INTO clientapi.filters (localpart, filter)" + " VALUES (:localpart, :filter) RETURNING filter_id";
    private static final String SELECT =
            "SELECT filter FROM clientapi.filters" + " WHERE localpart = :localpart AND filter_id = :filterId";

    private final DatabaseClient client;

    public FiltersTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Stores a filter and returns its ID. */
    public Mono<Long> insert(String localpart, String filterJson) {
        return client.sql(INSERT)
                .bind("localpart", localpart)
                .bind("filter", Json.of(filterJson))
                .map(row -> row.get("filter_id", Long.class))
                .one();
    }

    /** The filter as JSON text. */
    public Mono<String> select(String localpart, long filterId) {
        return client.sql(SELECT)
                .bind("localpart", localpart)
                .bind("filterId", filterId)
                .map(row -> row.get("filter", Json.class).asString())
                .one();
    }
}
