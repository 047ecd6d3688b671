package dev.lattice.keyserver.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.testing.TestInfra;
import org.junit.jupiter.api.Test;

/** {@code keyserver.fallback_keys} against a real PostgreSQL. */
class FallbackKeysTableIT {
    private static final DeviceId PHONE = DeviceId.parse("PHONE");
    private final FallbackKeysTable table =
            new FallbackKeysTable(TestInfra.migrated("keyserver").client());

    @Test
    void aClaimMarksTheKeyUsedAndANewKeyIsUnusedAgain() {
        UserId alice = DeviceKeysTableIT.newUser();
        table.upsert(alice, PHONE, "signed_curve25519", "F1", "{\"key\":\"f1\"}", 1)
                .block();
        assertThat(table.unusedAlgorithms(alice, PHONE).block()).containsExactly("signed_curve25519");

        assertThat(table.claim(alice, PHONE, "signed_curve25519")
                        .block()
                        .orElseThrow()
                        .fallback())
                .isTrue();
        assertThat(table.unusedAlgorithms(alice, PHONE).block()).isEmpty();
        // The same key uploaded again stays used; a new key is unused.
        table.upsert(alice, PHONE, "signed_curve25519", "F1", "{\"key\":\"f1\"}", 2)
                .block();
        assertThat(table.unusedAlgorithms(alice, PHONE).block()).isEmpty();
        table.upsert(alice, PHONE, "signed_curve25519", "F2", "{\"key\":\"f2\"}", 3)
                .block();
        assertThat(table.unusedAlgorithms(alice, PHONE).block()).containsExactly("signed_curve25519");
        assertThat(table.claim(alice, PHONE, "signed_curve25519")
                        .block()
                        .orElseThrow()
                        .keyId())
                .isEqualTo("F2");
        assertThat(table.claim(alice, PHONE, "curve25519").block()).isEmpty();
    }
}
