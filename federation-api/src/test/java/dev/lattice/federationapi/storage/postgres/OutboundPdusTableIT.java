package dev.lattice.federationapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.federationapi.storage.QueuedPdu;
import dev.lattice.testing.TestInfra;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OutboundPdusTableIT {
    private static OutboundPdusTable table;

    @BeforeAll
    static void migrate() {
        table = new OutboundPdusTable(TestInfra.migrated("federationapi").client());
    }

    @Test
    void queuesPerDestinationInOrderOnceAndDeletesWhatWasDelivered() {
        String a = UUID.randomUUID() + ".a.example";
        String b = UUID.randomUUID() + ".b.example";
        table.insert(List.of(a, b), "$1", "{\"n\":1}", 10).block();
        table.insert(List.of(a), "$2", "{\"n\":2}", 11).block();
        table.insert(List.of(a, b), "$1", "{\"n\":1}", 12).block(); // a re-delivered record

        List<QueuedPdu> queuedForA = table.selectOldest(a, 50).block();
        assertThat(queuedForA).extracting(QueuedPdu::eventId).containsExactly("$1", "$2");
        assertThat(table.selectOldest(b, 50).block())
                .extracting(QueuedPdu::eventId)
                .containsExactly("$1");
        assertThat(table.selectOldest(a, 1).block())
                .extracting(QueuedPdu::eventId)
                .containsExactly("$1");
        assertThat(table.selectDestinations().block()).contains(a, b);

        table.deleteUpTo(a, queuedForA.getFirst().seq()).block();
        assertThat(table.selectOldest(a, 50).block())
                .extracting(QueuedPdu::eventId)
                .containsExactly("$2");
        assertThat(table.selectOldest(b, 50).block())
                .extracting(QueuedPdu::eventId)
                .containsExactly("$1");
    }
}
