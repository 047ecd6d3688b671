package dev.lattice.roomserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.InputKind;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.runtime.outbox.OutboxStatement;
import io.r2dbc.spi.Readable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Mono;

/** {@code roomserver.events}: every decided event with its original bytes, its verdict and its state snapshots. */
public final class EventsTable {
    private static final String COLUMNS = "event_nid, event_id, room_id, event_type, state_key, sender, depth, "
            + "origin_server_ts, membership, redacts, prev_event_ids, auth_event_ids, kind, status, reject_errcode, "
            + "reject_reason, state_before_nid, state_after_nid, pdu, redacted_pdu, redacted_by, received_ts";
    private static final String INSERT_COLUMNS = "INSERT INTO roomserver.events (event_id, room_id, event_type,"
            + " state_key, sender, depth, origin_server_ts, membership, redacts, prev_event_ids, auth_event_ids, kind,"
            + " status, reject_errcode, reject_reason, state_before_nid, state_after_nid, pdu, received_ts)";
    /** An accepted outlier backfilled later gains its kind and state; any other duplicate inserts nothing. */
    private static final String ON_CONFLICT = " ON CONFLICT (event_id) DO UPDATE SET kind = EXCLUDED.kind,"
            + " state_before_nid = EXCLUDED.state_before_nid, state_after_nid = EXCLUDED.state_after_nid"
            + " WHERE roomserver.events.kind = 'outlier' AND roomserver.events.status = 'accepted'"
            + " AND EXCLUDED.kind = 'backfilled' AND EXCLUDED.status = 'accepted'";

    private static final String INSERT_VALUES = ":event_id, :room_id, :event_type, :state_key, :sender, :depth,"
            + " :origin_server_ts, :membership, :redacts, :prev_event_ids, :auth_event_ids, :kind, :status,"
            + " :reject_errcode, :reject_reason, :state_before_nid, :state_after_nid, :pdu, :received_ts";

    private static final String INSERT =
            INSERT_COLUMNS + " VALUES (" + INSERT_VALUES + ")" + ON_CONFLICT + " RETURNING event_nid";

    /**
     * {@link #INSERT}, the room's row locked first ({@link RoomsTable#LOCK_COUNT}): the inserted row is made from the
     * lock's one row of count, so the lock is taken before it.
     */
    private static final String INSERT_LOCKING_ROOM = INSERT_COLUMNS + " SELECT " + INSERT_VALUES + " FROM ("
            + RoomsTable.LOCK_COUNT + ") AS room_lock" + ON_CONFLICT + " RETURNING event_nid";

    /** {@link #INSERT} with the send transaction that carried the event, in one statement. */
    private static final String INSERT_WITH_TRANSACTION = withTransaction(INSERT);

    private static final String INSERT_LOCKING_ROOM_WITH_TRANSACTION = withTransaction(INSERT_LOCKING_ROOM);

    /** An insert with the send transaction that carried the event, in one statement. */
    private static String withTransaction(String insert) {
        return "WITH inserted AS (" + insert + "), send_transaction AS (" + SendTransactionsTable.INSERT_FOR_INSERTED
                + ") SELECT event_nid FROM inserted";
    }

    private static final String INSERT_ALONE = insertAlone(false);
    private static final String INSERT_ALONE_WITH_TRANSACTION = insertAlone(true);

    /**
     * {@link #insertAlone}'s statement: the event's insert locking the room, the send transaction when {@code
     * transaction}, the forward extremities' change and the outbox rows, each part written only when the event was.
     */
    private static String insertAlone(boolean transaction) {
        return "WITH inserted AS (" + INSERT_LOCKING_ROOM + ")"
                + (transaction ? ", send_transaction AS (" + SendTransactionsTable.INSERT_FOR_INSERTED + ")" : "")
                + ", extremities_removed AS (" + ForwardExtremitiesTable.REMOVE_FOR_INSERTED + ")"
                + ", extremity_added AS (" + ForwardExtremitiesTable.ADD_INSERTED + ")"
                + ", outbox_rows AS (" + Outbox.statementPart("roomserver", "inserted") + ")"
                + " SELECT event_nid, ARRAY(SELECT outbox_seq FROM outbox_rows ORDER BY outbox_seq) AS outbox_seqs"
                + " FROM inserted";
    }

    /**
     * Many events without state in one statement: one array per column. The events' prev and auth event IDs are
     * each one array of all of them, with each event's offset into it and count (a ragged array in two flat ones);
     * the PDUs travel as base64 text.
     */
    private static final String INSERT_STATELESS = INSERT_COLUMNS + " SELECT x.event_id, :room_id, x.event_type,"
            + " x.state_key, x.sender, x.depth, x.origin_server_ts, x.membership, x.redacts,"
            + " (CAST(:prev_ids AS text[]))[x.prev_from + 1 : x.prev_from + x.prev_count],"
            + " (CAST(:auth_ids AS text[]))[x.auth_from + 1 : x.auth_from + x.auth_count], x.kind, x.status,"
            + " x.reject_errcode, x.reject_reason, NULL, NULL, decode(x.pdu, 'base64'), x.received_ts"
            + " FROM unnest(CAST(:event_ids AS text[]), CAST(:event_types AS text[]), CAST(:state_keys AS text[]),"
            + " CAST(:senders AS text[]), CAST(:depths AS bigint[]), CAST(:origin_server_tss AS bigint[]),"
            + " CAST(:memberships AS text[]), CAST(:redacts AS text[]), CAST(:prev_froms AS integer[]),"
            + " CAST(:prev_counts AS integer[]), CAST(:auth_froms AS integer[]), CAST(:auth_counts AS integer[]),"
            + " CAST(:kinds AS text[]), CAST(:statuses AS text[]), CAST(:reject_errcodes AS text[]),"
            + " CAST(:reject_reasons AS text[]), CAST(:pdus AS text[]), CAST(:received_tss AS bigint[]))"
            + " WITH ORDINALITY AS x(event_id, event_type, state_key, sender, depth, origin_server_ts, membership,"
            + " redacts, prev_from, prev_count, auth_from, auth_count, kind, status, reject_errcode, reject_reason,"
            + " pdu, received_ts, n) ORDER BY x.n" + ON_CONFLICT + " RETURNING event_nid";

    private static final String SELECT_BY_IDS =
            "SELECT " + COLUMNS + " FROM roomserver.events " + "WHERE event_id = ANY(:event_ids)";
    /** {@link #selectPrior}'s statements, by whether they read a client transaction's event and the extremities. */
    private static final Map<List<Boolean>, String> SELECT_PRIOR = Map.of(
            List.of(false, false), selectPrior(false, false),
            List.of(false, true), selectPrior(false, true),
            List.of(true, false), selectPrior(true, false),
            List.of(true, true), selectPrior(true, true));

    /**
     * The event with an ID, if stored ({@code part} {@code prior}, whose event columns are null when it is not), and
     * the event a client transaction sent, if any ({@link SendTransactionsTable#bindScope}); the room's forward
     * extremities ({@code part} {@code extremity}): one statement.
     */
    private static String selectPrior(boolean transaction, boolean extremities) {
        String prior = "SELECT 'prior' AS part, "
                + Database.qualified("e", COLUMNS)
                + ", " + (transaction ? "t.event_id" : "CAST(NULL AS text)") + " AS transaction_event_id"
                + " FROM (SELECT 1) AS one LEFT JOIN roomserver.events e ON e.event_id = :event_id"
                + (transaction
                        ? " LEFT JOIN roomserver.send_transactions t ON " + SendTransactionsTable.scope("t.")
                        : "");
        if (!extremities) {
            return prior;
        }
        return prior + " UNION ALL SELECT 'extremity', " + COLUMNS + ", NULL FROM roomserver.events"
                + " WHERE event_id IN (SELECT event_id FROM roomserver.forward_extremities"
                + " WHERE room_id = :extremities_room_id)";
    }

    private static final String SELECT_AUTH_CHAIN = "WITH RECURSIVE chain(event_id) AS ("
            + "SELECT unnest(CAST(:event_ids AS text[])) "
            + "UNION SELECT unnest(e.auth_event_ids) FROM roomserver.events e JOIN chain c ON e.event_id = c.event_id) "
            + "SELECT " + COLUMNS + " FROM roomserver.events WHERE event_id IN (SELECT event_id FROM chain)";
    private static final String SELECT_AUTH_CHAIN_IDS = "WITH RECURSIVE chain(event_id) AS ("
            + "SELECT unnest(CAST(:event_ids AS text[])) "
            + "UNION SELECT unnest(e.auth_event_ids) FROM roomserver.events e JOIN chain c ON e.event_id = c.event_id) "
            + "SELECT event_id FROM chain";
    private static final String AT_TIMESTAMP = "SELECT " + COLUMNS + " FROM roomserver.events"
            + " WHERE room_id = :room_id AND status = 'accepted' AND state_before_nid IS NOT NULL AND ";
    private static final String AT_OR_AFTER =
            AT_TIMESTAMP + "origin_server_ts >= :ts ORDER BY origin_server_ts, event_nid LIMIT 1";
    private static final String AT_OR_BEFORE =
            AT_TIMESTAMP + "origin_server_ts <= :ts ORDER BY origin_server_ts DESC, event_nid DESC LIMIT 1";
    private static final String SET_REDACTED = "UPDATE roomserver.events SET redacted_pdu = :redacted_pdu, "
            + "redacted_by = :redacted_by WHERE event_id = :event_id AND redacted_by IS NULL";
    private static final String JOINED_SINCE = "SELECT EXISTS (SELECT 1 FROM roomserver.events "
            + "WHERE room_id = :room_id AND state_key = :user_id AND event_type = 'm.room.member' "
            + "AND status = 'accepted' AND membership = 'join' AND event_nid >= :event_nid) AS joined";

    private final DatabaseClient client;

    public EventsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /**
     * Inserts the event, or makes an accepted outlier with its ID the accepted backfilled event, and records the send
     * transaction that carried it, if any ({@code roomserver.send_transactions}, where the first event of a
     * transaction wins); completes with its numeric ID. Fails on any other duplicate event ID.
     *
     * @param lockRoom whether the statement first locks the room's row ({@link RoomsTable#lock}), for a transaction
     *     that does nothing before it
     */
    public Mono<Long> insert(EventRow event, Optional<SendTransaction> transaction, boolean lockRoom) {
        String sql = transaction.isPresent()
                ? (lockRoom ? INSERT_LOCKING_ROOM_WITH_TRANSACTION : INSERT_WITH_TRANSACTION)
                : (lockRoom ? INSERT_LOCKING_ROOM : INSERT);
        return bindInsert(client.sql(sql), event, transaction)
                .map(row -> Sql.requireLong(row, "event_nid"))
                .one()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("event " + event.eventId() + " is stored")));
    }

    /**
     * Stores an event whose transaction writes nothing else, in one statement that needs no transaction around it:
     * the insert locking the room ({@link #insert} with {@code lockRoom}) with the send transaction, the forward
     * extremities' change ({@link ForwardExtremitiesTable#replace}) and the outbox rows of {@code outbox} (the
     * records' {@code seq}s reported to it). Completes with the event's numeric ID; fails, writing nothing, on a
     * duplicate event ID as {@link #insert} does.
     */
    public Mono<Long> insertAlone(
            EventRow event,
            Optional<SendTransaction> transaction,
            Collection<String> removesExtremities,
            boolean addsExtremity,
            OutboxStatement outbox) {
        var spec = client.sql(transaction.isPresent() ? INSERT_ALONE_WITH_TRANSACTION : INSERT_ALONE)
                .bind("removed_extremities", removesExtremities.toArray(String[]::new))
                .bind("adds_extremity", addsExtremity);
        return bindInsert(outbox.bind(spec), event, transaction)
                .map(row -> {
                    Long[] seqs = row.get("outbox_seqs", Long[].class);
                    outbox.written(seqs == null ? List.of() : Arrays.asList(seqs));
                    return Sql.requireLong(row, "event_nid");
                })
                .one()
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("event " + event.eventId() + " is stored")));
    }

    /** Binds the event's columns, and the send transaction's, to an insert's parameters. */
    private static GenericExecuteSpec bindInsert(
            GenericExecuteSpec spec, EventRow event, Optional<SendTransaction> transaction) {
        spec = spec.bind("event_id", event.eventId())
                .bind("room_id", event.roomId())
                .bind("event_type", event.type())
                .bind("sender", event.sender())
                .bind("depth", event.depth())
                .bind("origin_server_ts", event.originServerTs())
                .bind("prev_event_ids", event.prevEventIds().toArray(String[]::new))
                .bind("auth_event_ids", event.authEventIds().toArray(String[]::new))
                .bind("kind", event.kind().name().toLowerCase(Locale.ROOT))
                .bind("status", event.status().dbValue())
                .bind("pdu", event.pdu())
                .bind("received_ts", event.receivedTs());
        spec = Sql.bindNullable(spec, "state_key", event.stateKey(), String.class);
        spec = Sql.bindNullable(spec, "membership", event.membership(), String.class);
        spec = Sql.bindNullable(spec, "redacts", event.redacts(), String.class);
        spec = Sql.bindNullable(spec, "reject_errcode", event.rejectErrcode(), String.class);
        spec = Sql.bindNullable(spec, "reject_reason", event.rejectReason(), String.class);
        spec = Sql.bindNullable(spec, "state_before_nid", event.stateBeforeNid(), Long.class);
        spec = Sql.bindNullable(spec, "state_after_nid", event.stateAfterNid(), Long.class);
        return transaction.isPresent() ? SendTransactionsTable.bindTransaction(spec, transaction.get()) : spec;
    }

    /**
     * Inserts events of one room that have no state (outliers, rejected events) in one statement, in list order, as
     * {@link #insert} inserts each. Fails, as {@link #insert} does, if one of them is stored already.
     */
    public Mono<Void> insertStateless(String roomId, List<EventRow> rows) {
        if (rows.isEmpty()) {
            return Mono.empty();
        }
        int n = rows.size();
        List<String> prevIds = new ArrayList<>();
        List<String> authIds = new ArrayList<>();
        Integer[] prevFroms = new Integer[n];
        Integer[] prevCounts = new Integer[n];
        Integer[] authFroms = new Integer[n];
        Integer[] authCounts = new Integer[n];
        for (int i = 0; i < n; i++) {
            EventRow row = rows.get(i);
            if (!row.roomId().equals(roomId) || row.stateBeforeNid() != null || row.stateAfterNid() != null) {
                throw new IllegalArgumentException(row.eventId() + " is not a stateless event of " + roomId);
            }
            prevFroms[i] = prevIds.size();
            prevCounts[i] = row.prevEventIds().size();
            prevIds.addAll(row.prevEventIds());
            authFroms[i] = authIds.size();
            authCounts[i] = row.authEventIds().size();
            authIds.addAll(row.authEventIds());
        }
        Base64.Encoder base64 = Base64.getEncoder();
        return client.sql(INSERT_STATELESS)
                .bind("room_id", roomId)
                .bind("event_ids", column(rows, EventRow::eventId))
                .bind("event_types", column(rows, EventRow::type))
                .bind("state_keys", column(rows, EventRow::stateKey))
                .bind("senders", column(rows, EventRow::sender))
                .bind("depths", rows.stream().map(EventRow::depth).toArray(Long[]::new))
                .bind(
                        "origin_server_tss",
                        rows.stream().map(EventRow::originServerTs).toArray(Long[]::new))
                .bind("memberships", column(rows, EventRow::membership))
                .bind("redacts", column(rows, EventRow::redacts))
                .bind("prev_ids", prevIds.toArray(String[]::new))
                .bind("prev_froms", prevFroms)
                .bind("prev_counts", prevCounts)
                .bind("auth_ids", authIds.toArray(String[]::new))
                .bind("auth_froms", authFroms)
                .bind("auth_counts", authCounts)
                .bind("kinds", column(rows, row -> row.kind().name().toLowerCase(Locale.ROOT)))
                .bind("statuses", column(rows, row -> row.status().dbValue()))
                .bind("reject_errcodes", column(rows, EventRow::rejectErrcode))
                .bind("reject_reasons", column(rows, EventRow::rejectReason))
                .bind("pdus", column(rows, row -> base64.encodeToString(row.pdu())))
                .bind("received_tss", rows.stream().map(EventRow::receivedTs).toArray(Long[]::new))
                .map(row -> Sql.requireLong(row, "event_nid"))
                .all()
                .count()
                .flatMap(inserted -> inserted == n
                        ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException(
                                (n - inserted) + " of " + n + " events of " + roomId + " are stored")));
    }

    private static String[] column(List<EventRow> rows, Function<EventRow, String> value) {
        return rows.stream().map(value).toArray(String[]::new);
    }

    /** See {@code RoomserverDatabase.eventAtTimestamp}. */
    public Mono<Optional<EventRow>> selectAtTimestamp(String roomId, long ts, boolean forwards) {
        return client.sql(forwards ? AT_OR_AFTER : AT_OR_BEFORE)
                .bind("room_id", roomId)
                .bind("ts", ts)
                .map(EventsTable::read)
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    public Mono<Optional<EventRow>> select(String eventId) {
        return select(List.of(eventId)).map(rows -> rows.stream().findFirst());
    }

    /** {@link RoomserverDatabase#prior}. */
    public Mono<RoomserverDatabase.Prior> selectPrior(
            String eventId, Optional<SendTransaction> transaction, String roomId, boolean withExtremities) {
        var spec = client.sql(SELECT_PRIOR.get(List.of(transaction.isPresent(), withExtremities)))
                .bind("event_id", eventId);
        if (transaction.isPresent()) {
            spec = SendTransactionsTable.bindScope(spec, transaction.get(), roomId);
        }
        if (withExtremities) {
            spec = spec.bind("extremities_room_id", roomId);
        }
        return spec.map(row -> Map.entry(
                        row.get("part", String.class),
                        new RoomserverDatabase.Prior(
                                row.get("event_nid", Long.class) == null ? Optional.empty() : Optional.of(read(row)),
                                Optional.ofNullable(row.get("transaction_event_id", String.class)),
                                Optional.empty())))
                .all()
                .collectList()
                .map(rows -> {
                    RoomserverDatabase.Prior prior = rows.stream()
                            .filter(row -> row.getKey().equals("prior"))
                            .findFirst()
                            .orElseThrow()
                            .getValue();
                    List<EventRow> extremities = rows.stream()
                            .filter(row -> row.getKey().equals("extremity"))
                            .map(row -> row.getValue().event().orElseThrow())
                            .toList();
                    return new RoomserverDatabase.Prior(
                            prior.event(),
                            prior.transactionEventId(),
                            withExtremities ? Optional.of(extremities) : Optional.empty());
                });
    }

    /** The stored events among {@code eventIds}, in no particular order. */
    public Mono<List<EventRow>> select(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SELECT_BY_IDS)
                .bind("event_ids", eventIds.toArray(String[]::new))
                .map(EventsTable::read)
                .all()
                .collectList();
    }

    /** The stored events among {@code eventIds} and everything reachable from them through {@code auth_events}. */
    public Mono<List<EventRow>> selectAuthChain(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SELECT_AUTH_CHAIN)
                .bind("event_ids", eventIds.toArray(String[]::new))
                .map(EventsTable::read)
                .all()
                .collectList();
    }

    /** The IDs reachable from {@code eventIds} over {@code auth_events}, the given IDs included. */
    public Mono<Set<String>> selectAuthChainIds(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Mono.just(Set.of());
        }
        return client.sql(SELECT_AUTH_CHAIN_IDS)
                .bind("event_ids", eventIds.toArray(String[]::new))
                .map(row -> row.get("event_id", String.class))
                .all()
                .collect(Collectors.toSet());
    }

    /** Stores the redacted form of {@code eventId}; a second redaction changes nothing. */
    public Mono<Boolean> setRedacted(String eventId, byte[] redactedPdu, String redactedBy) {
        return client.sql(SET_REDACTED)
                .bind("event_id", eventId)
                .bind("redacted_pdu", redactedPdu)
                .bind("redacted_by", redactedBy)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** Whether {@code userId} has an accepted join in {@code roomId} stored at or after {@code eventNid}. */
    public Mono<Boolean> joinedSince(String roomId, String userId, long eventNid) {
        return client.sql(JOINED_SINCE)
                .bind("room_id", roomId)
                .bind("user_id", userId)
                .bind("event_nid", eventNid)
                .map(row -> Boolean.TRUE.equals(row.get("joined", Boolean.class)))
                .one();
    }

    private static EventRow read(Readable row) {
        return new EventRow(
                Sql.requireLong(row, "event_nid"),
                row.get("event_id", String.class),
                row.get("room_id", String.class),
                row.get("event_type", String.class),
                row.get("state_key", String.class),
                row.get("sender", String.class),
                Sql.requireLong(row, "depth"),
                Sql.requireLong(row, "origin_server_ts"),
                row.get("membership", String.class),
                row.get("redacts", String.class),
                Sql.stringList(row, "prev_event_ids"),
                Sql.stringList(row, "auth_event_ids"),
                InputKind.valueOf(row.get("kind", String.class).toUpperCase(Locale.ROOT)),
                EventStatus.fromDb(row.get("status", String.class)),
                row.get("reject_errcode", String.class),
                row.get("reject_reason", String.class),
                row.get("state_before_nid", Long.class),
                row.get("state_after_nid", Long.class),
                row.get("pdu", byte[].class),
                row.get("redacted_pdu", byte[].class),
                row.get("redacted_by", String.class),
                Sql.requireLong(row, "received_ts"));
    }
}
