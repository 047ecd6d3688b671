package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.roomserver.InputKind;
import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import dev.lattice.roomserver.storage.RoomRow;
import dev.lattice.roomserver.storage.RoomserverDatabase;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.runtime.outbox.OutboxRecord;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

class EventsTableIT {
    private final EventsTable table = new EventsTable(TestingDatabase.CLIENT);
    private final ForwardExtremitiesTable extremities = new ForwardExtremitiesTable(TestingDatabase.CLIENT);
    private final SendTransactionsTable transactions = new SendTransactionsTable(TestingDatabase.CLIENT);

    /** A row with every column set that can be: Bob's join, its PDU bytes not canonical on purpose. */
    private static EventRow bobsJoin(String room, InputKind kind, EventStatus status, String rejectErrcode) {
        // Not canonical: the bytes come back exactly, which jsonb would not do.
        byte[] pdu = "{\"b\":1,  \"a\":\"\\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        return new EventRow(
                0,
                TestingDatabase.eventId(),
                room,
                "m.room.member",
                "@bob:test.lattice",
                "@bob:test.lattice",
                7,
                123,
                "join",
                null,
                List.of("$p1", "$p2"),
                List.of("$a1"),
                kind,
                status,
                rejectErrcode,
                "why",
                null,
                null,
                pdu,
                null,
                null,
                456);
    }

    @Test
    void storesTheOriginalBytesAndEveryColumn() {
        String room = TestingDatabase.roomId();
        EventRow row = bobsJoin(room, InputKind.BACKFILLED, EventStatus.SOFT_FAILED, null);
        byte[] pdu = row.pdu();
        long nid = table.insert(row, Optional.empty(), false).block();
        EventRow read = table.select(row.eventId()).block().orElseThrow();
        assertThat(read.nid()).isEqualTo(nid);
        assertThat(read.pdu()).isEqualTo(pdu);
        assertThat(read).usingRecursiveComparison().ignoringFields("nid").isEqualTo(row);
        assertThatThrownBy(() -> table.insert(row, Optional.empty(), false).block())
                .isNotNull(); // the event ID is unique
    }

    @Test
    void storesStatelessEventsInOneStatementAsEachAlone() {
        String room = TestingDatabase.roomId();
        EventRow rejected = bobsJoin(room, InputKind.OUTLIER, EventStatus.REJECTED, "M_FORBIDDEN");
        EventRow noPrevs = new EventRow(
                0,
                TestingDatabase.eventId(),
                room,
                "m.room.message",
                null,
                "@carol:test.lattice",
                8,
                124,
                null,
                null,
                List.of(),
                List.of("$a1", "$a2", "$a3"),
                InputKind.OUTLIER,
                EventStatus.ACCEPTED,
                null,
                null,
                null,
                null,
                new byte[] {'{', '}'},
                null,
                null,
                457);
        table.insertStateless(room, List.of(rejected, noPrevs)).block();

        EventRow first = table.select(rejected.eventId()).block().orElseThrow();
        EventRow second = table.select(noPrevs.eventId()).block().orElseThrow();
        assertThat(first).usingRecursiveComparison().ignoringFields("nid").isEqualTo(rejected);
        assertThat(second).usingRecursiveComparison().ignoringFields("nid").isEqualTo(noPrevs);
        assertThat(second.nid()).isGreaterThan(first.nid()); // in list order
        // A batch naming a stored event stores none of its events.
        EventRow fresh = TestingDatabase.event(room, "m.room.topic", "", null, EventStatus.ACCEPTED);
        assertThatThrownBy(
                        () -> table.insertStateless(room, List.of(fresh, noPrevs))
                                .as(TransactionalOperator.create(
                                        new R2dbcTransactionManager(TestingDatabase.CONNECTIONS))::transactional)
                                .block())
                .isNotNull();
        assertThat(table.select(fresh.eventId()).block()).isEmpty();
    }

    @Test
    void anInsertLockingTheRoomHoldsItsRowUntilTheTransactionEnds() {
        String room = TestingDatabase.roomId();
        new RoomsTable(TestingDatabase.CLIENT)
                .insert(new RoomRow(room, RoomVersionId.V12, "$create", 1))
                .block();
        EventRow row = bobsJoin(room, InputKind.NEW, EventStatus.ACCEPTED, null);
        // After the insert, inside its transaction: another connection cannot lock the room's row.
        String otherLock = table.insert(row, Optional.empty(), true)
                .then(Mono.usingWhen(
                        TestingDatabase.CONNECTIONS.create(),
                        other -> Mono.from(other.createStatement(
                                                "SELECT 1 FROM roomserver.rooms WHERE room_id = $1 FOR UPDATE NOWAIT")
                                        .bind("$1", room)
                                        .execute())
                                .flatMap(result -> Mono.from(result.map((r, meta) -> "locked too")))
                                .onErrorResume(R2dbcException.class, e -> Mono.just(e.getSqlState())),
                        Connection::close))
                .as(
                        TransactionalOperator.create(new R2dbcTransactionManager(TestingDatabase.CONNECTIONS))
                                ::transactional)
                .block();
        assertThat(otherLock).isEqualTo("55P03"); // lock_not_available
        assertThat(table.select(row.eventId()).block()).isPresent();
        // A room not stored locks nothing, and the event is stored all the same, as after a separate lock.
        EventRow elsewhere = bobsJoin(TestingDatabase.roomId(), InputKind.NEW, EventStatus.ACCEPTED, null);
        table.insert(elsewhere, Optional.empty(), true).block();
        assertThat(table.select(elsewhere.eventId()).block()).isPresent();
    }

    @Test
    void anEventStoredAloneWritesItsTransactionExtremityAndOutboxRowsOrNothing() {
        String room = TestingDatabase.roomId();
        new RoomsTable(TestingDatabase.CLIENT)
                .insert(new RoomRow(room, RoomVersionId.V12, "$create", 1))
                .block();
        EventRow before = TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED);
        table.insert(before, Optional.empty(), true).block();
        extremities.replace(room, List.of(), Optional.of(before.eventId())).block();
        List<String> published = new CopyOnWriteArrayList<>();
        Outbox outbox = TestingDatabase.outbox((topic, key, payload) ->
                Mono.fromRunnable(() -> published.add(key + " " + new String(payload, StandardCharsets.UTF_8))));
        UserId alice = UserId.parse("@alice:test.lattice");
        SendTransaction first = SendTransaction.send(alice, DeviceId.parse("PHONE"), "t1", RoomId.parse(room), "m");

        EventRow message = TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED);
        long nid = storeAlone(outbox, message, first, List.of(before.eventId())).block();
        assertThat(table.select(message.eventId()).block())
                .get()
                .extracting(EventRow::nid)
                .isEqualTo(nid);
        assertThat(transactions.select(first, room).block()).contains(message.eventId());
        assertThat(extremities(room)).containsExactly(message.eventId());
        assertThat(published).containsExactly(room + " output of " + message.eventId());

        // The same event again: the insert fails, and no other part is written.
        SendTransaction second = SendTransaction.send(alice, DeviceId.parse("PHONE"), "t2", RoomId.parse(room), "m");
        assertThatThrownBy(() -> storeAlone(outbox, message, second, List.of(message.eventId()))
                        .block())
                .hasMessageContaining("is stored");
        assertThat(transactions.select(second, room).block()).isEmpty();
        assertThat(extremities(room)).containsExactly(message.eventId());
        assertThat(published).hasSize(1);
    }

    /** {@link EventsTable#insertAlone} of a message becoming the room's extremity, with one outbox record. */
    private Mono<Long> storeAlone(Outbox outbox, EventRow event, SendTransaction transaction, List<String> removes) {
        byte[] record = ("output of " + event.eventId()).getBytes(StandardCharsets.UTF_8);
        return outbox.inStatement(
                List.of(new OutboxRecord("roomserver.output", event.roomId(), record)),
                statement -> table.insertAlone(event, Optional.of(transaction), removes, true, statement));
    }

    private List<String> extremities(String room) {
        return new CurrentStateTable(TestingDatabase.CLIENT)
                .selectLatest(room, List.of()).block().extremities().stream()
                        .map(RoomserverDatabase.Extremity::eventId)
                        .toList();
    }

    @Test
    void walksAuthChainsAndStoresRedactions() {
        String room = TestingDatabase.roomId();
        EventRow create =
                withAuth(TestingDatabase.event(room, "m.room.create", "", null, EventStatus.ACCEPTED), List.of());
        EventRow join = withAuth(
                TestingDatabase.event(room, "m.room.member", "@a:t", "join", EventStatus.ACCEPTED),
                List.of(create.eventId()));
        EventRow message = withAuth(
                TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED),
                List.of(create.eventId(), join.eventId()));
        for (EventRow row : List.of(create, join, message)) {
            table.insert(row, Optional.empty(), false).block();
        }
        assertThat(table.selectAuthChain(List.of(message.eventId())).block())
                .extracting(EventRow::eventId)
                .containsExactlyInAnyOrder(create.eventId(), join.eventId(), message.eventId());
        // The same chain as IDs only; a root not stored is still named, as resolution's own walk names it.
        assertThat(table.selectAuthChainIds(List.of(join.eventId(), "$unknown")).block())
                .containsExactlyInAnyOrder(create.eventId(), join.eventId(), "$unknown");

        assertThat(table.setRedacted(message.eventId(), new byte[] {1}, "$redaction")
                        .block())
                .isTrue();
        assertThat(table.setRedacted(message.eventId(), new byte[] {2}, "$other")
                        .block())
                .isFalse();
        EventRow redacted = table.select(message.eventId()).block().orElseThrow();
        assertThat(redacted.readablePdu()).containsExactly(1);
        assertThat(redacted.redactedBy()).isEqualTo("$redaction");
    }

    @Test
    void findsJoinsAtOrAfterAnEvent() {
        String room = TestingDatabase.roomId();
        EventRow before = TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED);
        long beforeNid = table.insert(before, Optional.empty(), false).block();
        EventRow join = TestingDatabase.event(room, "m.room.member", "@bob:t", "join", EventStatus.ACCEPTED);
        long joinNid = table.insert(join, Optional.empty(), false).block();
        assertThat(table.joinedSince(room, "@bob:t", beforeNid).block()).isTrue();
        assertThat(table.joinedSince(room, "@bob:t", joinNid + 1).block()).isFalse();
        assertThat(table.joinedSince(room, "@carol:t", beforeNid).block()).isFalse();
    }

    private static EventRow withAuth(EventRow row, List<String> auth) {
        return new EventRow(
                0,
                row.eventId(),
                row.roomId(),
                row.type(),
                row.stateKey(),
                row.sender(),
                row.depth(),
                row.originServerTs(),
                row.membership(),
                row.redacts(),
                row.prevEventIds(),
                auth,
                row.kind(),
                row.status(),
                row.rejectErrcode(),
                row.rejectReason(),
                null,
                null,
                row.pdu(),
                null,
                null,
                row.receivedTs());
    }
}
