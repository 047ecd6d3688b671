package dev.lattice.federationapi.routing;

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
                : FederationCertificate.selfSigned(properties.dataDir().resolve("tls"), hostOf(properties.serverName()));
        return new FederationListener(handler, federation.bindAddress(), federation.port(), certificate);
    }

    private static String hostOf(String serverName) {
        int colon = serverName.lastIndexOf(':');
        return colon > 0 && serverName.indexOf(']') < colon ? serverName.substring(0, colon) : serverName;
    }
}
