package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.roomserver.storage.OutsideMembership;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code roomserver.outside_memberships}: the latest membership of each of our users in each room not held here. */
public final class OutsideMembershipsTable {
    private static final String UPSERT = "INSERT INTO roomserver.outside_memberships"
            + " (room_id, user_id, event_id, membership, room_version, pdu, received_ts)"
            + " VALUES (:room_id, :user_id, :event_id, :membership, :room_version, :pdu, :received_ts)"
            + " ON CONFLICT (room_id, user_id) DO UPDATE SET event_id = excluded.event_id,"
            + " membership = excluded.membership, room_version = excluded.room_version, pdu = excluded.pdu,"
            + " received_ts = excluded.received_ts";
    private static final String SELECT = "SELECT room_id, user_id, event_id, membership, room_version, pdu,"
            + " received_ts FROM roomserver.outside_memberships WHERE room_id = :room_id AND user_id = :user_id";

    private final DatabaseClient client;

    public OutsideMembershipsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> upsert(OutsideMembership row) {
        return client.sql(UPSERT)
                .bind("room_id", row.roomId())
                .bind("user_id", row.userId())
                .bind("event_id", row.eventId())
                .bind("membership", row.membership())
                .bind("room_version", row.roomVersion().toString())
                .bind("pdu", row.pdu())
                .bind("received_ts", row.receivedTs())
                .then();
    }

    public Mono<Optional<OutsideMembership>> select(String roomId, String userId) {
        return client.sql(SELECT)
                .bind("room_id", roomId)
                .bind("user_id", userId)
                .map(row -> new OutsideMembership(
                        row.get("room_id", String.class),
                        row.get("user_id", String.class),
                        row.get("event_id", String.class),
                        row.get("membership", String.class),
                        RoomVersionId.of(row.get("room_version", String.class)),
                        row.get("pdu", byte[].class),
                        row.get("received_ts", Long.class)))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
