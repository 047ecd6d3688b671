package dev.lattice.keyserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.keyserver.storage.StoredDeviceKeys;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.testing.TestInfra;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code keyserver.device_keys} against a real PostgreSQL. */
class DeviceKeysTableIT {
    private final DeviceKeysTable table =
            new DeviceKeysTable(TestInfra.migrated("keyserver").client());

    static UserId newUser() {
        return UserId.parse("@k" + UUID.randomUUID().toString().substring(0, 8) + ":test.lattice");
    }

    @Test
    void aNewUploadReplacesADevicesKeysAndDevicesAreListedById() {
        UserId alice = newUser();
        table.upsert(alice, DeviceId.parse("PHONE"), "{\"v\":1}", 1).block();
        table.upsert(alice, DeviceId.parse("LAPTOP"), "{\"v\":2}", 2).block();
        table.upsert(alice, DeviceId.parse("PHONE"), "{\"v\":3}", 3).block();
        assertThat(table.selectUser(alice).collectList().block())
                .containsExactly(
                        new StoredDeviceKeys(alice, DeviceId.parse("LAPTOP"), "{\"v\":2}"),
                        new StoredDeviceKeys(alice, DeviceId.parse("PHONE"), "{\"v\":3}"));
        assertThat(table.selectUser(newUser()).collectList().block()).isEmpty();
    }
}
