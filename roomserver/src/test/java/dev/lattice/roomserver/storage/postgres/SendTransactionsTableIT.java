package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import org.junit.jupiter.api.Test;

class SendTransactionsTableIT {
    private final SendTransactionsTable table = new SendTransactionsTable(TestingDatabase.CLIENT);

    @Test
    void theFirstEventOfATransactionWins() {
        UserId user = UserId.parse("@" + java.util.UUID.randomUUID() + ":test.lattice");
        SendTransaction txn = new SendTransaction(user, DeviceId.parse("PHONE"), "t1");
        assertThat(table.select(txn).block()).isEmpty();
        assertThat(table.insert(txn, "!r:test.lattice", "$first").block()).isTrue();
        assertThat(table.insert(txn, "!r:test.lattice", "$second").block()).isFalse();
        assertThat(table.select(txn).block()).contains("$first");
        // Another device's transaction with the same txnId is another transaction.
        assertThat(table.select(new SendTransaction(user, DeviceId.parse("LAPTOP"), "t1"))
                        .block())
                .isEmpty();
    }
}
