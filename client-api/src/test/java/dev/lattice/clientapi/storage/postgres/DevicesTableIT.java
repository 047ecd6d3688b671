package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.clientapi.storage.StoredDevice;
import org.junit.jupiter.api.Test;

/** {@code clientapi.devices} against a real PostgreSQL. */
class DevicesTableIT {
    private final DevicesTable table = new DevicesTable(TestingDatabase.CLIENT);

    @Test
    void aSecondLoginOnADeviceKeepsItsNameAndUpdatesLastSeen() {
        String alice = TestingDatabase.account();
        table.upsert(alice, "D1", "Phone", "10.0.0.1", 1).block();
        table.upsert(alice, "D1", "Other", "10.0.0.2", 2).block();
        assertThat(table.select(alice, "D1").block()).isEqualTo(new StoredDevice("D1", "Phone", 2L, "10.0.0.2"));
        assertThat(table.select(alice, "NONE").blockOptional()).isEmpty();
    }

    @Test
    void devicesAreListedInIdOrderAndRenamedOnlyWhenTheyExist() {
        String bob = TestingDatabase.account();
        table.upsert(bob, "B", null, null, 1).block();
        table.upsert(bob, "A", null, null, 1).block();
        assertThat(table.selectAll(bob).collectList().block())
                .extracting(StoredDevice::deviceId)
                .containsExactly("A", "B");
        assertThat(table.updateDisplayName(bob, "A", "Laptop").block()).isTrue();
        assertThat(table.select(bob, "A").block().displayName()).isEqualTo("Laptop");
        assertThat(table.updateDisplayName(bob, "C", "x").block()).isFalse();
    }

    @Test
    void deletesListedDevicesAllButOneOrAll() {
        String carol = TestingDatabase.account();
        for (String device : new String[] {"D1", "D2", "D3", "D4"}) {
            table.upsert(carol, device, null, null, 1).block();
        }
        assertThat(table.delete(carol, new String[] {"D1", "UNKNOWN"}).block()).containsExactly("D1");
        assertThat(table.deleteAllBut(carol, "D2").block()).hasSize(2).doesNotContain("D2");
        assertThat(table.selectAll(carol).collectList().block())
                .extracting(StoredDevice::deviceId)
                .containsExactly("D2");
        assertThat(table.deleteAll(carol).block()).containsExactly("D2");
        assertThat(table.selectAll(carol).collectList().block()).isEmpty();
    }
}
