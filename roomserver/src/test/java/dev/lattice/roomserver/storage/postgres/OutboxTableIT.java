package dev.lattice.roomserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.roomserver.storage.OutboxRow;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

class OutboxTableIT {
    private final OutboxTable table = new OutboxTable(TestingDatabase.CLIENT);

    @Test
    void unsentRowsComeInSeqOrderUntilMarkedSent() {
        String room = TestingDatabase.roomId();
        for (int i = 0; i < 3; i++) {
            table.insert(room, "$e" + i, new byte[] {(byte) i}, 1).block();
        }
        List<OutboxRow> mine = table.selectUnsent(100_000).block().stream()
                .filter(r -> r.roomId().equals(room))
                .toList();
        assertThat(mine).extracting(OutboxRow::eventId).containsExactly("$e0", "$e1", "$e2");
        table.markSent(mine.stream().map(OutboxRow::seq).toList(), 2).block();
        assertThat(table.selectUnsent(100_000).block())
                .noneMatch(r -> r.roomId().equals(room));
    }

    @Test
    void onlyOneTransactionHoldsTheRelayLock() {
        TransactionalOperator tx =
                TransactionalOperator.create(new R2dbcTransactionManager(TestingDatabase.CONNECTIONS));
        Boolean otherGotIt = tx.transactional(table.tryLockRelay().flatMap(first -> {
                    assertThat(first).isTrue();
                    // A second session while the first transaction holds the lock.
                    return Mono.from(TestingDatabase.CONNECTIONS.create())
                            .flatMap(connection -> Mono.from(connection
                                            .createStatement("SELECT pg_try_advisory_xact_lock("
                                                    + OutboxTable.RELAY_LOCK + ") AS locked")
                                            .execute())
                                    .flatMap(result ->
                                            Mono.from(result.map((row, meta) -> row.get("locked", Boolean.class))))
                                    .doFinally(
                                            s -> Mono.from(connection.close()).subscribe()));
                }))
                .block();
        assertThat(otherGotIt).isFalse();
        assertThat(tx.transactional(table.tryLockRelay()).block()).isTrue(); // released at commit
    }
}
