package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code clientapi.refresh_tokens} against a real PostgreSQL. */
class RefreshTokensTableIT {
    private final RefreshTokensTable table = new RefreshTokensTable(TestingDatabase.CLIENT);

    @Test
    void aRotatedTokenRemembersItsPredecessorUntilCleared() {
        String alice = TestingDatabase.accountWithDevice("D");
        byte[] first = TestingDatabase.hash();
        byte[] second = TestingDatabase.hash();
        table.insert(first, alice, "D", null, 1).block();
        table.insert(second, alice, "D", first, 2).block();

        var stored = table.selectForUpdate(second).block();
        assertThat(stored.localpart()).isEqualTo(alice);
        assertThat(stored.deviceId()).isEqualTo("D");
        assertThat(stored.previousHash()).isEqualTo(first);

        table.clearPrevious(second).block();
        assertThat(table.selectForUpdate(second).block().previousHash()).isNull();
        assertThat(table.selectForUpdate(TestingDatabase.hash()).blockOptional())
                .isEmpty();
    }

    @Test
    void deletingSuccessorsRevokesOnlyTheTokensThatReplacedIt() {
        String bob = TestingDatabase.accountWithDevice("D");
        byte[] lost = TestingDatabase.hash();
        byte[] successor = TestingDatabase.hash();
        byte[] unrelated = TestingDatabase.hash();
        table.insert(lost, bob, "D", null, 1).block();
        table.insert(successor, bob, "D", lost, 2).block();
        table.insert(unrelated, bob, "D", null, 3).block();

        assertThat(table.deleteSuccessors(lost).block()).isEqualTo(1);
        assertThat(table.selectForUpdate(successor).blockOptional()).isEmpty();
        assertThat(table.delete(lost).block()).isEqualTo(1);
        assertThat(table.delete(lost).block()).isZero();
        assertThat(table.selectForUpdate(unrelated).blockOptional()).isPresent();
    }
}
