package dev.lattice.federationapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.federationapi.storage.Queued;
import dev.lattice.testing.TestInfra;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OutboundTableIT {
    private static OutboundTable table;

    @BeforeAll
    static void migrate() {
        table = OutboundTable.pdus(TestInfra.migrated("federationapi").client());
    }

    @Test
    void queuesPerDestinationInOrderOnceAndDeletesWhatWasDelivered() {
        String a = UUID.randomUUID() + ".a.example";
        String b = UUID.randomUUID() + ".b.example";
        table.insert(List.of(a, b), "$1", "{\"n\":1}", 10).block();
        table.insert(List.of(a), "$2", "{\"n\":2}", 11).block();
        table.insert(List.of(a, b), "$1", "{\"n\":1}", 12).block(); // a re-delivered record

        List<Queued> queuedForA = table.selectOldest(a, 50).block();
        assertThat(queuedForA).extracting(Queued::key).containsExactly("$1", "$2");
        assertThat(table.selectOldest(b, 50).block()).extracting(Queued::key).containsExactly("$1");
        assertThat(table.selectOldest(a, 1).block()).extracting(Queued::key).containsExactly("$1");
        assertThat(table.selectDestinations().block()).contains(a, b);

        table.deleteUpTo(a, queuedForA.getFirst().seq()).block();
        assertThat(table.selectOldest(a, 50).block()).extracting(Queued::key).containsExactly("$2");
        assertThat(table.selectOldest(b, 50).block()).extracting(Queued::key).containsExactly("$1");
    }

    @Test
    void edusWaitInTheirOwnTableOncePerKey() {
        OutboundTable edus =
                OutboundTable.edus(TestInfra.migrated("federationapi").client());
        String a = UUID.randomUUID() + ".a.example";
        edus.insert(List.of(a), "to-device @u:x m1", "{\"edu_type\":\"m.direct_to_device\"}", 10)
                .block();
        edus.insert(List.of(a), "to-device @u:x m1", "{\"edu_type\":\"m.direct_to_device\"}", 11)
                .block();
        edus.insert(List.of(a), "device-list 0/7", "{\"edu_type\":\"m.device_list_update\"}", 12)
                .block();

        List<Queued> queued = edus.selectOldest(a, 50).block();
        assertThat(queued).extracting(Queued::key).containsExactly("to-device @u:x m1", "device-list 0/7");
        assertThat(table.selectOldest(a, 50).block()).isEmpty();
        edus.deleteUpTo(a, queued.getLast().seq()).block();
        assertThat(edus.selectOldest(a, 50).block()).isEmpty();
    }
}
