package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code clientapi.filters} against a real PostgreSQL. */
class FiltersTableIT {
    private final FiltersTable table = new FiltersTable(TestingDatabase.CLIENT);

    @Test
    void aFilterIsReadBackOnlyByItsOwner() {
        String alice = TestingDatabase.account();
        String bob = TestingDatabase.account();
        long first = table.insert(alice, "{\"room\": {\"timeline\": {\"limit\": 5}}}")
                .block();
        long second = table.insert(alice, "{}").block();
        assertThat(second).isNotEqualTo(first);
        assertThat(table.select(alice, first).block()).contains("\"limit\": 5");
        assertThat(table.select(alice, second).block()).isEqualTo("{}");
        assertThat(table.select(bob, first).blockOptional()).isEmpty();
    }
}
