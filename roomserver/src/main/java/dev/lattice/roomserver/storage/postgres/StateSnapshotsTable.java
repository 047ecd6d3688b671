package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code roomserver.state_snapshots}: immutable snapshots, each full or a delta against its parent. */
public final class StateSnapshotsTable {
    private static final String INSERT = "INSERT INTO roomserver.state_snapshots (room_id, parent_nid, chain_length) "
            + "VALUES (:room_id, :parent_nid, :chain_length) RETURNING snapshot_nid";
    private static final String SELECT_CHAIN = "WITH RECURSIVE chain(snapshot_nid, parent_nid, chain_length) AS ("
            + "SELECT snapshot_nid, parent_nid, chain_length FROM roomserver.state_snapshots "
            + "WHERE snapshot_nid = :snapshot_nid "
            + "UNION ALL SELECT s.snapshot_nid, s.parent_nid, s.chain_length FROM roomserver.state_snapshots s "
            + "JOIN chain c ON s.snapshot_nid = c.parent_nid) "
            + "SELECT snapshot_nid, chain_length FROM chain ORDER BY chain_length";

    /** A snapshot of a chain and its distance from the full snapshot at the chain's root. */
    public record ChainLink(long snapshotNid, int chainLength) {}

    private final DatabaseClient client;

    public StateSnapshotsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Inserts a snapshot; completes with its numeric ID. */
    public Mono<Long> insert(String roomId, Long parentNid, int chainLength) {
        var spec = client.sql(INSERT).bind("room_id", roomId).bind("chain_length", chainLength);
        return Sql.bindNullable(spec, "parent_nid", parentNid, Long.class)
                .map(row -> Sql.requireLong(row, "snapshot_nid"))
                .one();
    }

    /** {@code snapshotNid} and its ancestors, the full snapshot first; empty when it does not exist. */
    public Mono<List<ChainLink>> selectChain(long snapshotNid) {
        return client.sql(SELECT_CHAIN)
                .bind("snapshot_nid", snapshotNid)
                .map(row -> new ChainLink(
                        Sql.requireLong(row, "snapshot_nid"), requireNonNull(row.get("chain_length", Integer.class))))
                .all()
                .collectList();
    }
}
