package dev.lattice.federationapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.federationapi.storage.StoredVerifyKey;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.testing.TestInfra;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerSigningKeysTableIT {
    private static ServerSigningKeysTable table;

    @BeforeAll
    static void migrate() {
        table = new ServerSigningKeysTable(TestInfra.migrated("federationapi").client());
    }

    private static String freshServer() {
        return UUID.randomUUID() + ".example";
    }

    @Test
    void storesAndReadsAKey() {
        String server = freshServer();
        VerifyKey key = new VerifyKey(
                KeyId.parse("ed25519:a"), SigningKey.generate("a").verifyKey().publicKey(), 500);
        table.upsert(server, key, false, 100).block();
        assertThat(table.select(server, key.keyId()).block()).contains(new StoredVerifyKey(key, false));
        assertThat(table.select(server, KeyId.parse("ed25519:b")).block()).isEmpty();
        assertThat(table.select(freshServer(), key.keyId()).block()).isEmpty();
    }

    @Test
    void aLaterFetchReplacesAnEarlierOneButNotTheReverse() {
        String server = freshServer();
        byte[] publicKey = SigningKey.generate("a").verifyKey().publicKey();
        KeyId id = KeyId.parse("ed25519:a");
        table.upsert(server, new VerifyKey(id, publicKey, 500), false, 100).block();
        // The key was retired at 400, as a response fetched at 200 says.
        table.upsert(server, new VerifyKey(id, publicKey, 400), true, 200).block();
        assertThat(table.select(server, id).block())
                .contains(new StoredVerifyKey(new VerifyKey(id, publicKey, 400), true));
        // A slower answer fetched at 150 does not bring it back.
        table.upsert(server, new VerifyKey(id, publicKey, 900), false, 150).block();
        assertThat(table.select(server, id).block().orElseThrow().expired()).isTrue();
    }
}
