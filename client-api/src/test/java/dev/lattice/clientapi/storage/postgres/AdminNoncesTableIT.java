package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code clientapi.admin_nonces} against a real PostgreSQL. */
class AdminNoncesTableIT {
    private final AdminNoncesTable table = new AdminNoncesTable(TestingDatabase.CLIENT);

    @Test
    void aNonceIsUsedOnceAndOnlyWhileFresh() {
        String fresh = "n-" + UUID.randomUUID();
        String stale = "n-" + UUID.randomUUID();
        table.insert(fresh, 1_000).block();
        table.insert(stale, 100).block();

        assertThat(table.take(fresh, 500).block()).isTrue();
        assertThat(table.take(fresh, 500).block()).isFalse();
        assertThat(table.take(stale, 500).block()).isFalse();
        assertThat(table.take("n-" + UUID.randomUUID(), 0).block()).isFalse();
    }

    @Test
    void expiredNoncesAreDeleted() {
        String expired = "n-" + UUID.randomUUID();
        table.insert(expired, 1).block();
        assertThat(table.deleteExpired(2).block()).isGreaterThanOrEqualTo(1);
        assertThat(table.take(expired, 0).block()).isFalse();
    }
}
