package dev.lattice.keyserver;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.federationapi.RemoteKeysApi;
import dev.lattice.api.roomserver.QueryMembershipApi;
import dev.lattice.keyserver.consumers.ClientApiOutputConsumer;
import dev.lattice.keyserver.consumers.KeyserverInputConsumer;
import dev.lattice.keyserver.internal.CrossSigning;
import dev.lattice.keyserver.internal.KeyBackups;
import dev.lattice.keyserver.internal.Keys;
import dev.lattice.keyserver.internal.KeyserverInternalApi;
import dev.lattice.keyserver.routing.KeyRoutes;
import dev.lattice.keyserver.routing.RoomKeyRoutes;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.keyserver.storage.postgres.PostgresCrossSigningDatabase;
import dev.lattice.keyserver.storage.postgres.PostgresKeyBackupDatabase;
import dev.lattice.keyserver.storage.postgres.PostgresKeyserverDatabase;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusConsumer;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import dev.lattice.runtime.outbox.Outbox;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
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

    /** The keyserver schema's outbox, publishing {@code keyserver.output}; its sweeper runs from start-up. */
    @Bean(destroyMethod = "close")
    Outbox keyserverOutbox(Database database, ConnectionFactory connections, Bus bus) {
        return new Outbox(
                        database.client(),
                        TransactionalOperator.create(new R2dbcTransactionManager(connections)),
                        "keyserver",
                        bus::publish,
                        Duration.ofSeconds(1),
                        100)
                .start();
    }

    /**
     * The keyserver's storage. In the only process serving the keyserver ({@code lattice.keyserver.only-process}, set
     * by the all-in-one), the only writer of its keys, the devices' key counts every {@code /sync} response carries are
     * remembered between writes.
     */
    @Bean
    KeyserverDatabase keyserverDatabase(
            Database database,
            @Qualifier("keyserverOutbox") Outbox outbox,
            @Value("${lattice.keyserver.only-process:false}") boolean onlyProcess) {
        return new PostgresKeyserverDatabase(database, outbox, onlyProcess);
    }

    /** Deleted devices lose their keys (consumer group {@code keyserver}). */
    @Bean(destroyMethod = "close")
    BusConsumer keyserverClientApiOutput(Bus bus, KeyserverDatabase database) {
        return bus.subscribe(
                "keyserver", List.of(Topics.CLIENTAPI_OUTPUT), new ClientApiOutputConsumer(database)::handle);
    }

    /** Other servers' users' device-list changes, from their EDUs, announced like ours (consumer group keyserver). */
    @Bean(destroyMethod = "close")
    BusConsumer keyserverInput(Bus bus, KeyserverDatabase database, LatticeProperties lattice) {
        return bus.subscribe(
                "keyserver",
                List.of(Topics.KEYSERVER_INPUT),
                new KeyserverInputConsumer(database, ServerName.parse(lattice.serverName()), Clock.systemUTC())
                        ::handle);
    }

    @Bean
    CrossSigning crossSigning(
            Database database, @Qualifier("keyserverOutbox") Outbox outbox, KeyserverDatabase devices) {
        return new CrossSigning(new PostgresCrossSigningDatabase(database, outbox), devices, Clock.systemUTC());
    }

    /**
     * What other services in this process ask the keyserver (syncapi: key counts for /sync; client-api: cross-signing
     * keys for /keys/device_signing/upload).
     */
    @Bean
    KeyserverInternalApi keyserverApi(KeyserverDatabase database, CrossSigning crossSigning, Keys keys) {
        return new KeyserverInternalApi(database, crossSigning, keys);
    }

    /**
     * Keys of other servers' users are asked through the federation-api (and cached while the roomserver says a room
     * is shared), device names of the client-api (in process: their beans).
     */
    @Bean
    Keys keys(
            KeyserverDatabase database,
            CrossSigning crossSigning,
            LatticeProperties lattice,
            ObjectProvider<RemoteKeysApi> federation,
            ObjectProvider<UserApi> users,
            ObjectProvider<QueryMembershipApi> rooms) {
        return new Keys(
                database,
                crossSigning,
                ServerName.parse(lattice.serverName()),
                federation::getIfAvailable,
                users::getIfAvailable,
                rooms::getIfAvailable,
                Clock.systemUTC());
    }

    @Bean
    KeyBackups keyBackups(Database database) {
        return new KeyBackups(new PostgresKeyBackupDatabase(database));
    }

    @Bean
    RouterFunction<ServerResponse> roomKeyRoutes(
            MatrixRouter router, AccessTokens accessTokens, JsonBodies bodies, KeyBackups backups) {
        return new RoomKeyRoutes(accessTokens, bodies, backups).routes(router);
    }

    @Bean
    RouterFunction<ServerResponse> keyRoutes(
            MatrixRouter router, AccessTokens accessTokens, JsonBodies bodies, Keys keys, CrossSigning crossSigning) {
        return new KeyRoutes(accessTokens, bodies, keys, crossSigning).routes(router);
    }
}
