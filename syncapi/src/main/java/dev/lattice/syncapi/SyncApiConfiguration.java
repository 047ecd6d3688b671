package dev.lattice.syncapi;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.keyserver.QueryDeviceKeyCountsApi;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusConsumer;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import dev.lattice.syncapi.config.SyncApiProperties;
import dev.lattice.syncapi.consumers.ClientApiOutputConsumer;
import dev.lattice.syncapi.consumers.RoomserverOutputConsumer;
import dev.lattice.syncapi.internal.AccountDataStream;
import dev.lattice.syncapi.internal.MembershipHistory;
import dev.lattice.syncapi.internal.RoomEventsStream;
import dev.lattice.syncapi.internal.RoomMembers;
import dev.lattice.syncapi.internal.RoomMessages;
import dev.lattice.syncapi.internal.SyncNotifier;
import dev.lattice.syncapi.internal.SyncStreamProvider;
import dev.lattice.syncapi.internal.Syncer;
import dev.lattice.syncapi.internal.ToDeviceSender;
import dev.lattice.syncapi.internal.ToDeviceStream;
import dev.lattice.syncapi.routing.SyncRoutes;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.postgres.PostgresSyncApiDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The syncapi service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The client read model: /sync, sliding sync, /messages and the other read endpoints.
 *
 * <p>Needs a {@link UserApi} bean (client-api's, or its internal-HTTP client in a split deployment) to check
 * access tokens and read account data.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SyncApiProperties.class)
@ComponentScan(
        basePackageClasses = SyncApiConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class SyncApiConfiguration {

    /** The consumer group of every syncapi process. */
    public static final String CONSUMER_GROUP = "syncapi";

    /** The schema this service owns; migrations under {@code db/syncapi}. */
    @Bean
    ServiceSchema syncapiSchema() {
        return new ServiceSchema("syncapi");
    }

    @Bean
    SyncApiDatabase syncApiDatabase(Database database) {
        return new PostgresSyncApiDatabase(database);
    }

    @Bean
    SyncNotifier syncNotifier() {
        return new SyncNotifier();
    }

    @Bean
    RoomserverOutputConsumer roomserverOutputConsumer(SyncApiDatabase database, SyncNotifier notifier) {
        return new RoomserverOutputConsumer(database, notifier);
    }

    @Bean(destroyMethod = "close")
    BusConsumer syncapiRoomserverOutput(Bus bus, RoomserverOutputConsumer consumer) {
        return bus.subscribe(CONSUMER_GROUP, List.of(Topics.ROOMSERVER_OUTPUT), consumer::handle);
    }

    @Bean
    ClientApiOutputConsumer clientApiOutputConsumer(SyncApiDatabase database, SyncNotifier notifier) {
        return new ClientApiOutputConsumer(database, notifier);
    }

    @Bean(destroyMethod = "close")
    BusConsumer syncapiClientApiOutput(Bus bus, ClientApiOutputConsumer consumer) {
        return bus.subscribe(CONSUMER_GROUP, List.of(Topics.CLIENTAPI_OUTPUT), consumer::handle);
    }

    @Bean
    MembershipHistory membershipHistory(SyncApiDatabase database, ObjectProvider<UserApi> users) {
        return new MembershipHistory(database, users::getObject);
    }

    @Bean
    RoomEventsStream roomEventsStream(SyncApiDatabase database, MembershipHistory memberships) {
        return new RoomEventsStream(database, memberships, Clock.systemUTC());
    }

    @Bean
    AccountDataStream accountDataStream(SyncApiDatabase database, ObjectProvider<UserApi> users) {
        return new AccountDataStream(database, users::getObject);
    }

    @Bean
    ToDeviceStream toDeviceStream(SyncApiDatabase database) {
        return new ToDeviceStream(database);
    }

    @Bean
    RouterFunction<ServerResponse> syncRoutes(
            MatrixRouter router,
            AccessTokens accessTokens,
            SyncApiDatabase database,
            SyncNotifier notifier,
            SyncApiProperties properties,
            ObjectProvider<UserApi> users,
            ObjectProvider<QueryDeviceKeyCountsApi> keys,
            List<SyncStreamProvider> streams,
            MembershipHistory memberships,
            JsonBodies bodies,
            LatticeProperties lattice) {
        Clock clock = Clock.systemUTC();
        Syncer syncer = new Syncer(
                streams,
                () -> Optional.ofNullable(keys.getIfAvailable()),
                database,
                notifier,
                properties.maxSyncTimeout());
        return new SyncRoutes(
                        accessTokens,
                        bodies,
                        syncer,
                        new RoomMessages(database, memberships, clock),
                        new RoomMembers(database, memberships, clock),
                        new ToDeviceSender(
                                database, users::getObject, notifier, ServerName.parse(lattice.serverName()), clock))
                .routes(router);
    }
}
