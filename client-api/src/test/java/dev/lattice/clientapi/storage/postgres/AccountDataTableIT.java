package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** {@code clientapi.account_data} against a real PostgreSQL. */
class AccountDataTableIT {
    private final AccountDataTable table = new AccountDataTable(TestingDatabase.CLIENT);

    @Test
    void eachWriteReplacesTheContentAtANewerPosition() {
        String alice = TestingDatabase.account();
        long first = table.upsert(alice, "", "m.direct", "{\"a\": 1}").block();
        long second = table.upsert(alice, "", "m.direct", "{\"a\": 2}").block();
        long room = table.upsert(alice, "!r:test.lattice", "m.tag", "{\"tags\": {}}")
                .block();
        assertThat(second).isGreaterThan(first);
        assertThat(room).isGreaterThan(second);
        assertThat(table.select(alice, "", "m.direct").block()).isEqualTo("{\"a\": 2}");
        assertThat(table.selectRow(alice, "!r:test.lattice", "m.tag").block().streamId())
                .isEqualTo(room);
        assertThat(table.selectAll(alice).block())
                .extracting(AccountDataTable.Row::type)
                .containsExactly("m.direct", "m.tag");
        assertThat(table.select(alice, "!other:test.lattice", "m.tag").blockOptional())
                .isEmpty();
    }

    @Test
    void ofConcurrentWritesTheStoredContentHasTheNewestPosition() {
        String alice = TestingDatabase.account();
        Map<Long, String> written = new ConcurrentHashMap<>();
        Flux.range(0, 20)
                .parallel(8)
                .runOn(Schedulers.boundedElastic())
                .flatMap(i -> table.upsert(alice, "", "m.direct", "{\"n\": " + i + "}")
                        .doOnNext(position -> written.put(position, "{\"n\": " + i + "}")))
                .sequential()
                .blockLast();
        AccountDataTable.Row stored = table.selectRow(alice, "", "m.direct").block();
        long newest = written.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        // The write that committed last holds the row; its position must be the largest any write was given.
        assertThat(stored.streamId()).isEqualTo(newest);
        assertThat(stored.contentJson()).isEqualTo(written.get(newest));
        assertThat(List.copyOf(written.keySet())).hasSize(20);
    }
}
