package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.auth.StateKey;
import java.util.Collection;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code roomserver.state_snapshot_entries}: the entries (or, for a delta, the changes) of each snapshot. */
public final class StateSnapshotEntriesTable {
    private static final String INSERT = "INSERT INTO roomserver.state_snapshot_entries (snapshot_nid, event_type, "
            + "state_key, event_id) SELECT :snapshot_nid, t, k, e "
            + "FROM unnest(CAST(:types AS text[]), CAST(:state_keys AS text[]), CAST(:event_ids AS text[])) AS x(t, k, e)";
    private static final String SELECT = "SELECT snapshot_nid, event_type, state_key, event_id "
            + "FROM roomserver.state_snapshot_entries WHERE snapshot_nid = ANY(:snapshot_nids)";

    /** One entry; {@code eventId} null where a delta removes the key. */
    public record Entry(long snapshotNid, StateKey key, String eventId) {}

    private final DatabaseClient client;

    public StateSnapshotEntriesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Inserts the entries of {@code snapshotNid}, a null value removing the key (deltas only). */
    public Mono<Void> insert(long snapshotNid, Map<StateKey, String> entries) {
        if (entries.isEmpty()) {
            return Mono.empty();
        }
        int n = entries.size();
        String[] types = new String[n];
        String[] keys = new String[n];
        String[] ids = new String[n];
        int i = 0;
        for (var entry : entries.entrySet()) {
            types[i] = entry.getKey().type();
            keys[i] = entry.getKey().stateKey();
            ids[i] = entry.getValue();
            i++;
        }
        return client.sql(INSERT)
                .bind("snapshot_nid", snapshotNid)
                .bind("types", types)
                .bind("state_keys", keys)
                .bind("event_ids", ids)
                .then();
    }

    /** The entries of the given snapshots. */
    public Flux<Entry> select(Collection<Long> snapshotNids) {
        if (snapshotNids.isEmpty()) {
            return Flux.empty();
        }
        return client.sql(SELECT)
                .bind("snapshot_nids", snapshotNids.toArray(Long[]::new))
                .map(row -> new Entry(
                        Sql.requireLong(row, "snapshot_nid"),
                        StateKey.of(row.get("event_type", String.class), row.get("state_key", String.class)),
                        row.get("event_id", String.class)))
                .all();
    }
}
