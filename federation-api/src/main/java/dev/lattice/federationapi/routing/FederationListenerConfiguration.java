package dev.lattice.federationapi.routing;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.http.FederationListener;
import dev.lattice.runtime.tls.FederationCertificate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandler;

/** Opens the HTTPS federation listener, with the operator's certificate or a self-signed one from the data dir. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "lattice.federation.enabled", havingValue = "true", matchIfMissing = true)
public class FederationListenerConfiguration {

    @Bean
    FederationListener federationListener(HttpHandler handler, LatticeProperties properties) {
        LatticeProperties.Federation federation = properties.federation();
        FederationCertificate certificate = federation.tlsCertificate() != null
                ? new FederationCertificate(federation.tlsCertificate(), federation.tlsPrivateKey())
                : FederationCertificate.selfSigned(
                        properties.dataDir().resolve("tls"),
                        ServerName.parse(properties.serverName()).host());
        return new FederationListener(handler, federation.bindAddress(), federation.port(), certificate);
    }
}
