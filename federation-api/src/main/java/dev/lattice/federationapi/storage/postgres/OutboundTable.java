package dev.lattice.federationapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.storage.Queued;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A per-destination queue table: {@code federationapi.outbound_pdus} or {@code federationapi.outbound_edus}, both
 * (seq, destination, key, JSON, queued_ts) with the key unique per destination.
 */
public final class OutboundTable {
    private final DatabaseClient client;
    private final String insert;
    private final String selectOldest;
    private final String deleteUpTo;
    private final String selectDestinations;

    private OutboundTable(DatabaseClient client, String table, String keyColumn, String jsonColumn) {
        this.client = requireNonNull(client, "client is null");
        // A re-delivered bus record queues nothing twice.
        this.insert = "INSERT INTO " + table + " (destination, " + keyColumn + ", " + jsonColumn + ", queued_ts)"
                + " VALUES (:destination, :key, :json, :queued_ts) ON CONFLICT (destination, " + keyColumn
                + ") DO NOTHING";
        this.selectOldest = "SELECT seq, " + keyColumn + " AS key, " + jsonColumn + " AS json FROM " + table
                + " WHERE destination = :destination ORDER BY seq LIMIT :limit";
        this.deleteUpTo = "DELETE FROM " + table + " WHERE destination = :destination AND seq <= :seq";
        this.selectDestinations = "SELECT DISTINCT destination FROM " + table;
    }

    /** PDUs by event ID. */
    public static OutboundTable pdus(DatabaseClient client) {
        return new OutboundTable(client, "federationapi.outbound_pdus", "event_id", "pdu_json");
    }

    /** EDUs that must not be lost (to-device messages, device-list updates), by what names each. */
    public static OutboundTable edus(DatabaseClient client) {
        return new OutboundTable(client, "federationapi.outbound_edus", "edu_key", "edu_json");
    }

    public Mono<Void> insert(List<String> destinations, String key, String json, long queuedTs) {
        return Flux.fromIterable(destinations)
                .concatMap(destination -> client.sql(insert)
                        .bind("destination", destination)
                        .bind("key", key)
                        .bind("json", json)
                        .bind("queued_ts", queuedTs)
                        .then())
                .then();
    }

    public Mono<List<Queued>> selectOldest(String destination, int limit) {
        return client.sql(selectOldest)
                .bind("destination", destination)
                .bind("limit", limit)
                .map(row -> new Queued(
                        row.get("seq", Long.class), row.get("key", String.class), row.get("json", String.class)))
                .all()
                .collectList();
    }

    public Mono<Void> deleteUpTo(String destination, long seq) {
        return client.sql(deleteUpTo)
                .bind("destination", destination)
                .bind("seq", seq)
                .then();
    }

    public Mono<List<String>> selectDestinations() {
        return client.sql(selectDestinations)
                .map(row -> row.get("destination", String.class))
                .all()
                .collectList();
    }
}
