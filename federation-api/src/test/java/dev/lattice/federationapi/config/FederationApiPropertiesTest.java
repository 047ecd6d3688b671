package dev.lattice.federationapi.config;

import static org.assertj.core.api.Assertions.assertThat;

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
}
