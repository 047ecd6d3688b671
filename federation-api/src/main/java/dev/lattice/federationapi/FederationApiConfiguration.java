package dev.lattice.federationapi;

import dev.lattice.federationapi.internal.ServerKeys;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.ServiceSchema;
import java.time.Clock;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The federation-api service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The server-server API (/_matrix/federation/**, /_matrix/key/**): the server signing keys, and in time all inbound and outbound federation.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(
        basePackageClasses = FederationApiConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class FederationApiConfiguration {

    @Bean
    ServerKeys serverKeys(LatticeProperties properties, SigningKey serverSigningKey) {
        return new ServerKeys(
                properties.serverName(),
                serverSigningKey,
                properties.federation().keyValidity(),
                Clock.systemUTC());
    }

    /** The schema this service owns; migrations under {@code db/federationapi}. */
    @Bean
    ServiceSchema federationapiSchema() {
        return new ServiceSchema("federationapi");
    }
}
