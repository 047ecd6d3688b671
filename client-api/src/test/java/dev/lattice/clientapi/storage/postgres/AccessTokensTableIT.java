package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code clientapi.access_tokens} against a real PostgreSQL. */
class AccessTokensTableIT {
    private final AccessTokensTable table = new AccessTokensTable(TestingDatabase.CLIENT);
    private final RefreshTokensTable refreshTokens = new RefreshTokensTable(TestingDatabase.CLIENT);
    private final DevicesTable devices = new DevicesTable(TestingDatabase.CLIENT);

    @Test
    void aTokenIsFoundByItsHashWithItsOwnerAndExpiry() {
        String alice = TestingDatabase.accountWithDevice("D");
        byte[] plain = TestingDatabase.hash();
        byte[] expiring = TestingDatabase.hash();
        table.insert(plain, alice, "D", null, null, 1).block();
        table.insert(expiring, alice, "D", null, 500L, 1).block();

        var found = table.select(plain).block();
        assertThat(found.localpart()).isEqualTo(alice);
        assertThat(found.deviceId()).isEqualTo("D");
        assertThat(found.expiresTs()).isNull();
        assertThat(found.refreshHash()).isNull();
        assertThat(table.select(expiring).block().expiresTs()).isEqualTo(500L);
        assertThat(table.select(TestingDatabase.hash()).blockOptional()).isEmpty();
    }

    @Test
    void revokingARefreshTokenRevokesTheAccessTokensIssuedWithIt() {
        String bob = TestingDatabase.accountWithDevice("D");
        byte[] refresh = TestingDatabase.hash();
        refreshTokens.insert(refresh, bob, "D", null, 1).block();
        byte[] withRefresh = TestingDatabase.hash();
        byte[] without = TestingDatabase.hash();
        table.insert(withRefresh, bob, "D", refresh, 100L, 1).block();
        table.insert(without, bob, "D", null, null, 1).block();
        assertThat(table.select(withRefresh).block().refreshHash()).isEqualTo(refresh);

        assertThat(table.deleteByRefreshToken(refresh).block()).isEqualTo(1);
        assertThat(table.select(withRefresh).blockOptional()).isEmpty();
        assertThat(table.select(without).blockOptional()).isPresent();
    }

    @Test
    void deletingTheDeviceRevokesItsTokens() {
        String carol = TestingDatabase.accountWithDevice("D");
        byte[] token = TestingDatabase.hash();
        table.insert(token, carol, "D", null, null, 1).block();
        devices.deleteAll(carol).block();
        assertThat(table.select(token).blockOptional()).isEmpty();
    }
}
