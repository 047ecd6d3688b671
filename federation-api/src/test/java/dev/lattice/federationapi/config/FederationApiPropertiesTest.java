package dev.lattice.federationapi.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.runtime.config.LatticeProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class FederationApiPropertiesTest {
    private static FederationApiProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("lattice.federationapi", FederationApiProperties.class);
    }

    @Test
    void blocksNonPublicAddressesByDefault() {
        assertThat(bind(Map.of()).ipRangeBlocklist())
                .contains("127.0.0.0/8", "10.0.0.0/8", "192.168.0.0/16", "::1/128", "fc00::/7");
        assertThat(bind(Map.of("lattice.federationapi.ip-range-blocklist", "")).ipRangeBlocklist())
                .isEmpty();
        assertThat(bind(Map.of("lattice.federationapi.notaries[0].server-name", "matrix.org"))
                        .notaries())
                .containsExactly(new FederationApiProperties.Notary("matrix.org", Map.of()));
    }

    @Test
    void oldVerifyKeysBindAsAListAndDefaultToNone() {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "lattice.federation.old-verify-keys[0].key-id", "ed25519:a_old",
                "lattice.federation.old-verify-keys[0].public-key", "Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw",
                "lattice.federation.old-verify-keys[0].expired-ts", "1752000000000")));
        assertThat(binder.bindOrCreate("lattice.federation", LatticeProperties.Federation.class)
                        .oldVerifyKeys())
                .containsExactly(new LatticeProperties.OldVerifyKey(
                        "ed25519:a_old", "Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw", 1752000000000L));
        assertThat(new Binder(new MapConfigurationPropertySource(Map.of()))
                        .bindOrCreate("lattice.federation", LatticeProperties.Federation.class)
                        .oldVerifyKeys())
                .isEmpty();
    }
}
