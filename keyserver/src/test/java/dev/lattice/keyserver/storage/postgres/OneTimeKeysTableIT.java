package dev.lattice.keyserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.testing.TestInfra;
import org.junit.jupiter.api.Test;

/** {@code keyserver.one_time_keys} against a real PostgreSQL. */
class OneTimeKeysTableIT {
    private static final DeviceId PHONE = DeviceId.parse("PHONE");
    private final OneTimeKeysTable table =
            new OneTimeKeysTable(TestInfra.migrated("keyserver").client());

    @Test
    void keysAreCountedPerAlgorithmAndAKeyIdIsStoredOnce() {
        UserId alice = DeviceKeysTableIT.newUser();
        assertThat(table.insert(alice, PHONE, "signed_curve25519", "A", "{\"key\":\"a\"}", 1)
                        .block())
                .isTrue();
        assertThat(table.insert(alice, PHONE, "signed_curve25519", "A", "{\"key\":\"other\"}", 2)
                        .block())
                .isFalse();
        table.insert(alice, PHONE, "signed_curve25519", "B", "{\"key\":\"b\"}", 3)
                .block();
        table.insert(alice, PHONE, "curve25519", "A", "\"c\"", 4).block();
        assertThat(table.select(alice, PHONE, "signed_curve25519", "A").block()).contains("{\"key\":\"a\"}");
        assertThat(table.counts(alice, PHONE).block())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("signed_curve25519", 2L, "curve25519", 1L));
    }

    @Test
    void aClaimTakesAndDeletesTheLowestKeyIdOfItsAlgorithm() {
        UserId alice = DeviceKeysTableIT.newUser();
        table.insert(alice, PHONE, "signed_curve25519", "B", "{\"key\":\"b\"}", 1)
                .block();
        table.insert(alice, PHONE, "signed_curve25519", "A", "{\"key\":\"a\"}", 1)
                .block();
        assertThat(table.claim(alice, PHONE, "signed_curve25519")
                        .block()
                        .orElseThrow()
                        .keyId())
                .isEqualTo("A");
        assertThat(table.claim(alice, PHONE, "signed_curve25519")
                        .block()
                        .orElseThrow()
                        .keyId())
                .isEqualTo("B");
        assertThat(table.claim(alice, PHONE, "signed_curve25519").block()).isEmpty();
        assertThat(table.counts(alice, PHONE).block()).isEmpty();
    }
}
