package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.clientapi.storage.StoredAccount;
import org.junit.jupiter.api.Test;

/** {@code clientapi.accounts} against a real PostgreSQL. */
class AccountsTableIT {
    private final AccountsTable table = new AccountsTable(TestingDatabase.CLIENT);

    @Test
    void aLocalpartIsTakenOnceAndStaysReservedAfterDeactivation() {
        String alice = TestingDatabase.localpart();
        assertThat(table.insert(alice, "$2b$hash", true, 1).block()).isTrue();
        assertThat(table.insert(alice, "$2b$other", false, 2).block()).isFalse();
        assertThat(table.select(alice).block()).isEqualTo(new StoredAccount(alice, "$2b$hash", true, false));

        assertThat(table.deactivate(alice, 3).block()).isTrue();
        assertThat(table.deactivate(alice, 4).block()).isFalse();
        assertThat(table.select(alice).block()).isEqualTo(new StoredAccount(alice, null, true, true));
        assertThat(table.insert(alice, "$2b$hash", false, 5).block()).isFalse();
    }

    @Test
    void onlyAnActiveAccountChangesItsPassword() {
        String bob = TestingDatabase.localpart();
        table.insert(bob, "$2b$old", false, 1).block();
        assertThat(table.updatePassword(bob, "$2b$new").block()).isTrue();
        assertThat(table.select(bob).block().passwordHash()).isEqualTo("$2b$new");

        table.deactivate(bob, 2).block();
        assertThat(table.updatePassword(bob, "$2b$again").block()).isFalse();
        assertThat(table.updatePassword(TestingDatabase.localpart(), "$2b$x").block())
                .isFalse();
        assertThat(table.select(TestingDatabase.localpart()).blockOptional()).isEmpty();
    }
}
