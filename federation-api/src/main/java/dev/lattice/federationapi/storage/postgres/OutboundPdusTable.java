package dev.lattice.federationapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.storage.QueuedPdu;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code federationapi.outbound_pdus}: the per-destination queues of PDUs to send. */
public final class OutboundPdusTable {
    // A re-delivered roomserver.output record queues nothing twice.
    private static final String INSERT = "INSERT INTO federationapi.outbound_pdus"
            + " (destination, event_id, pdu_json, queued_ts) VALUES (:destination, :event_id, :pdu_json, :queued_ts)"
            + " ON CONFLICT (destination, event_id) DO NOTHING";
    private static final String SELECT_OLDEST = "SELECT seq, event_id, pdu_json FROM federationapi.outbound_pdus"
            + " WHERE destination = :destination ORDER BY seq LIMIT :limit";
    private static final String DELETE_UP_TO =
            "DELETE FROM federationapi.outbound_pdus" + " WHERE destination = :destination AND seq <= :seq";
    private static final String SELECT_DESTINATIONS = "SELECT DISTINCT destination FROM federationapi.outbound_pdus";

    private final DatabaseClient client;

    public OutboundPdusTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(List<String> destinations, String eventId, String pduJson, long queuedTs) {
        return Flux.fromIterable(destinations)
                .concatMap(destination -> client.sql(INSERT)
                        .bind("destination", destination)
                        .bind("event_id", eventId)
                        .bind("pdu_json", pduJson)
                        .bind("queued_ts", queuedTs)
                        .then())
                .then();
    }

    public Mono<List<QueuedPdu>> selectOldest(String destination, int limit) {
        return client.sql(SELECT_OLDEST)
                .bind("destination", destination)
                .bind("limit", limit)
                .map(row -> new QueuedPdu(
                        row.get("seq", Long.class),
                        row.get("event_id", String.class),
                        row.get("pdu_json", String.class)))
                .all()
                .collectList();
    }

    public Mono<Void> deleteUpTo(String destination, long seq) {
        return client.sql(DELETE_UP_TO)
                .bind("destination", destination)
                .bind("seq", seq)
                .then();
    }

    public Mono<List<String>> selectDestinations() {
        return client.sql(SELECT_DESTINATIONS)
                .map(row -> row.get("destination", String.class))
                .all()
                .collectList();
    }
}
