package dev.lattice.syncapi.storage.postgres;

import java.util.OptionalLong;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** The two position reads every "latest change per key" stream table makes (account data, receipts). */
final class StreamPositions {

    private StreamPositions() {}

    /** The {@code position} an upsert's {@code RETURNING position} gave; empty when it changed no row. */
    static Mono<OptionalLong> returned(DatabaseClient.GenericExecuteSpec upsert) {
        return upsert.map(row -> row.get("position", Long.class))
                .one()
                .map(OptionalLong::of)
                .defaultIfEmpty(OptionalLong.empty());
    }

    /** The query of {@link #newest}, its one column named {@code position}. */
    static String newestQuery(String table) {
        return "SELECT COALESCE(MAX(position), 0) AS position FROM " + table;
    }

    /** The table's newest position; 0 when it is empty. The table's {@code position} column is unique (indexed). */
    static Mono<Long> newest(DatabaseClient client, String table) {
        return client.sql(newestQuery(table))
                .map(row -> row.get("position", Long.class))
                .one();
    }
}
