package dev.lattice.keyserver;

import dev.lattice.keyserver.internal.Keys;
import dev.lattice.keyserver.internal.KeyserverInternalApi;
import dev.lattice.keyserver.routing.KeyRoutes;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.keyserver.storage.postgres.PostgresKeyserverDatabase;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import java.time.Clock;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The keyserver service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * End-to-end encryption keys: device, one-time, fallback and cross-signing keys, key backups, device lists.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(
        basePackageClasses = KeyserverConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class KeyserverConfiguration {

    /** The schema this service owns; migrations under {@code db/keyserver}. */
    @Bean
    ServiceSchema keyserverSchema() {
        return new ServiceSchema("keyserver");
    }

    @Bean
    KeyserverDatabase keyserverDatabase(Database database) {
        return new PostgresKeyserverDatabase(database);
    }

    /** What other services in this process ask the keyserver (syncapi: key counts for /sync). */
    @Bean
    KeyserverInternalApi keyserverApi(KeyserverDatabase database) {
        return new KeyserverInternalApi(database);
    }

    @Bean
    Keys keys(KeyserverDatabase database, LatticeProperties lattice) {
        return new Keys(database, ServerName.parse(lattice.serverName()), Clock.systemUTC());
    }

    @Bean
    RouterFunction<ServerResponse> keyRoutes(
            MatrixRouter router, AccessTokens accessTokens, JsonBodies bodies, Keys keys) {
        return new KeyRoutes(accessTokens, bodies, keys).routes(router);
    }
}
