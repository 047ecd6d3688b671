package dev.lattice.federationapi;

import dev.lattice.federationapi.config.FederationApiProperties;
import dev.lattice.federationapi.internal.DnsLookups;
import dev.lattice.federationapi.internal.FederationClient;
import dev.lattice.federationapi.internal.FederationTls;
import dev.lattice.federationapi.internal.HttpsExchange;
import dev.lattice.federationapi.internal.IpRange;
import dev.lattice.federationapi.internal.KeyRing;
import dev.lattice.federationapi.internal.MatrixServerResolver;
import dev.lattice.federationapi.internal.RequestAuthenticator;
import dev.lattice.federationapi.internal.ServerKeys;
import dev.lattice.federationapi.internal.ServerResolver;
import dev.lattice.federationapi.routing.FederationAuthFilter;
import dev.lattice.federationapi.storage.FederationApiDatabase;
import dev.lattice.federationapi.storage.postgres.PostgresFederationApiDatabase;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The federation-api service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The server-server API (/_matrix/federation/**, /_matrix/key/**): the server signing keys, and in time all inbound and outbound federation.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FederationApiProperties.class)
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

    @Bean
    FederationApiDatabase federationApiDatabase(Database database) {
        return new PostgresFederationApiDatabase(database);
    }

    @Bean
    DnsLookups dnsLookups(FederationApiProperties settings) {
        if (settings.dnsServer() == null || settings.dnsServer().isBlank()) {
            return DnsLookups.system();
        }
        ServerName server = ServerName.parse(settings.dnsServer());
        return DnsLookups.server(new InetSocketAddress(
                server.host().replace("[", "").replace("]", ""), server.port().orElse(53)));
    }

    @Bean
    HttpsExchange httpsExchange(DnsLookups dns, FederationApiProperties settings) {
        return new HttpsExchange(
                dns,
                FederationTls.clientContext(settings.trustedCaCertificates()),
                settings.requestTimeout(),
                settings.ipRangeBlocklist().stream().map(IpRange::parse).toList());
    }

    @Bean
    ServerResolver serverResolver(DnsLookups dns, HttpsExchange https) {
        return new MatrixServerResolver(dns, https, 443, Clock.systemUTC());
    }

    @Bean
    FederationClient federationClient(
            LatticeProperties properties, SigningKey serverSigningKey, ServerResolver resolver, HttpsExchange https) {
        return new FederationClient(ServerName.parse(properties.serverName()), serverSigningKey, resolver, https);
    }

    @Bean
    KeyRing keyRing(
            ServerKeys serverKeys,
            FederationApiDatabase database,
            FederationClient client,
            FederationApiProperties settings) {
        return new KeyRing(serverKeys, database, client, settings.notaries(), Clock.systemUTC());
    }

    @Bean
    RequestAuthenticator requestAuthenticator(LatticeProperties properties, KeyRing keyRing) {
        return new RequestAuthenticator(
                ServerName.parse(properties.serverName()), keyRing::verifyKey, Clock.systemUTC());
    }

    /** Every authenticated federation route is built with {@code .filter(federationAuthFilter)}. */
    @Bean
    FederationAuthFilter federationAuthFilter(RequestAuthenticator authenticator) {
        return new FederationAuthFilter(authenticator);
    }

    /** The schema this service owns; migrations under {@code db/federationapi}. */
    @Bean
    ServiceSchema federationapiSchema() {
        return new ServiceSchema("federationapi");
    }
}
