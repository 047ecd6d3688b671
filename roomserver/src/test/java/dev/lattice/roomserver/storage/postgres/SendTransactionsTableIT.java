package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.roomserver.storage.EventRow;
import dev.lattice.roomserver.storage.EventStatus;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SendTransactionsTableIT {
    private static final String ROOM = "!r:test.lattice";
    private static final String OTHER_ROOM = "!other:test.lattice";

    private final SendTransactionsTable table = new SendTransactionsTable(TestingDatabase.CLIENT);
    private final EventsTable events = new EventsTable(TestingDatabase.CLIENT);

    /** Stores a message of the room sent by this transaction (recorded with the event's insert); its ID. */
    private String sent(SendTransaction transaction, String room) {
        EventRow event = TestingDatabase.event(room, "m.room.message", null, null, EventStatus.ACCEPTED);
        events.insert(event, Optional.of(transaction), false).block();
        return event.eventId();
    }

    @Test
    void theFirstEventOfATransactionWins() {
        UserId user = UserId.parse("@" + UUID.randomUUID() + ":test.lattice");
        SendTransaction txn = send(user, "PHONE", ROOM, "m.room.message");
        assertThat(table.select(txn, ROOM).block()).isEmpty();
        String first = sent(txn, ROOM);
        sent(txn, ROOM);
        assertThat(table.select(txn, ROOM).block()).contains(first);
        // Another device's transaction with the same txnId is another transaction.
        assertThat(table.select(send(user, "LAPTOP", ROOM, "m.room.message"), ROOM)
                        .block())
                .isEmpty();
    }

    @Test
    void theScopeIsTheRequest() {
        UserId user = UserId.parse("@" + UUID.randomUUID() + ":test.lattice");
        DeviceId device = DeviceId.parse("PHONE");
        String message = sent(send(user, "PHONE", ROOM, "m.room.message"), ROOM);
        // The same txnId in another room, for another type, or on /redact is a transaction of its own.
        for (SendTransaction other : java.util.List.of(
                send(user, "PHONE", OTHER_ROOM, "m.room.message"),
                send(user, "PHONE", ROOM, "m.reaction"),
                SendTransaction.redact(user, device, "t1", RoomId.parse(ROOM), "$message"))) {
            String room = other.roomId().value();
            assertThat(table.select(other, room).block()).isEmpty();
            String event = sent(other, room);
            assertThat(table.select(other, room).block()).contains(event);
        }
        assertThat(table.select(send(user, "PHONE", ROOM, "m.room.message"), ROOM)
                        .block())
                .contains(message);
        // A transaction without a scope is looked up in the room it is given, with no endpoint: never a scoped one.
        assertThat(table.select(new SendTransaction(user, device, "t1"), ROOM).block())
                .isEmpty();
    }

    private static SendTransaction send(UserId user, String device, String room, String type) {
        return SendTransaction.send(user, DeviceId.parse(device), "t1", RoomId.parse(room), type);
    }
}
