package dev.lattice.syncapi;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.federationapi.BackfillApi;
import dev.lattice.api.keyserver.QueryDeviceKeyCountsApi;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusConsumer;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.JsonBodies;
import dev.lattice.runtime.http.MatrixRouter;
import dev.lattice.syncapi.config.SyncApiProperties;
import dev.lattice.syncapi.consumers.ClientApiOutputConsumer;
import dev.lattice.syncapi.consumers.KeyserverOutputConsumer;
import dev.lattice.syncapi.consumers.PresenceConsumer;
import dev.lattice.syncapi.consumers.ReceiptsConsumer;
import dev.lattice.syncapi.consumers.RoomserverOutputConsumer;
import dev.lattice.syncapi.consumers.ToDeviceConsumer;
import dev.lattice.syncapi.consumers.TypingConsumer;
import dev.lattice.syncapi.internal.AccountDataStream;
import dev.lattice.syncapi.internal.BundledAggregations;
import dev.lattice.syncapi.internal.DehydratedDeviceEvents;
import dev.lattice.syncapi.internal.DeviceKeyCounts;
import dev.lattice.syncapi.internal.DeviceLists;
import dev.lattice.syncapi.internal.DeviceListsStream;
import dev.lattice.syncapi.internal.LazyLoadedMembers;
import dev.lattice.syncapi.internal.MembershipHistory;
import dev.lattice.syncapi.internal.Presence;
import dev.lattice.syncapi.internal.PresenceStream;
import dev.lattice.syncapi.internal.PushActions;
import dev.lattice.syncapi.internal.PushDelivery;
import dev.lattice.syncapi.internal.PushGateway;
import dev.lattice.syncapi.internal.ReadYourWrites;
import dev.lattice.syncapi.internal.ReceiptsStream;
import dev.lattice.syncapi.internal.RemoteHistory;
import dev.lattice.syncapi.internal.RoomEventsStream;
import dev.lattice.syncapi.internal.RoomMembers;
import dev.lattice.syncapi.internal.RoomMessages;
import dev.lattice.syncapi.internal.RoomRelations;
import dev.lattice.syncapi.internal.RoomSearch;
import dev.lattice.syncapi.internal.SlidingSync;
import dev.lattice.syncapi.internal.SpaceHierarchy;
import dev.lattice.syncapi.internal.SyncNotifier;
import dev.lattice.syncapi.internal.SyncStreamProvider;
import dev.lattice.syncapi.internal.Syncer;
import dev.lattice.syncapi.internal.ToDeviceSender;
import dev.lattice.syncapi.internal.ToDeviceStream;
import dev.lattice.syncapi.internal.Typing;
import dev.lattice.syncapi.internal.TypingRooms;
import dev.lattice.syncapi.internal.TypingStream;
import dev.lattice.syncapi.internal.UserDirectory;
import dev.lattice.syncapi.routing.SyncRoutes;
import dev.lattice.syncapi.storage.SlidingSyncConnections;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.syncapi.storage.postgres.PostgresSlidingSyncConnections;
import dev.lattice.syncapi.storage.postgres.PostgresSyncApiDatabase;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
    private static final Logger log = LoggerFactory.getLogger(SyncApiConfiguration.class);

    /** The consumer group of every syncapi process. */
    public static final String CONSUMER_GROUP = "syncapi";
    /**
     * How long a refused read waits for the read model to catch up with the roomserver (see {@link ReadYourWrites}):
     * long enough for the state of a join into a room of thousands.
     */
    static final Duration READ_YOUR_WRITES_WAIT = Duration.ofSeconds(10);

    /** The schema this service owns; migrations under {@code db/syncapi}. */
    @Bean
    ServiceSchema syncapiSchema() {
        return new ServiceSchema("syncapi");
    }

    @Bean
    SyncApiDatabase syncApiDatabase(Database database, SyncApiProperties properties) {
        return new PostgresSyncApiDatabase(database, properties.onlyProcess());
    }

    @Bean
    SyncNotifier syncNotifier() {
        return new SyncNotifier();
    }

    @Bean(destroyMethod = "close")
    PushDelivery pushDelivery(SyncApiDatabase database, ObjectProvider<UserApi> users) {
        PushGateway gateway = new PushGateway(
                users::getObject,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
        return new PushDelivery(database, gateway, Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
    }

    @Bean
    PushActions pushActions(
            SyncApiDatabase database, ObjectProvider<UserApi> users, LatticeProperties lattice, PushDelivery delivery) {
        return new PushActions(
                database, users::getObject, ServerName.parse(lattice.serverName()), delivery, Clock.systemUTC());
    }

    @Bean
    RoomserverOutputConsumer roomserverOutputConsumer(
            LatticeProperties lattice, SyncApiDatabase database, SyncNotifier notifier, PushActions pushActions) {
        return new RoomserverOutputConsumer(database, notifier, pushActions, ServerName.parse(lattice.serverName()));
    }

    @Bean(destroyMethod = "close")
    BusConsumer syncapiRoomserverOutput(Bus bus, RoomserverOutputConsumer consumer) {
        return bus.subscribe(CONSUMER_GROUP, List.of(Topics.ROOMSERVER_OUTPUT), consumer::handle);
    }

    @Bean
    SlidingSyncConnections slidingSyncConnections(Database db) {
        return new PostgresSlidingSyncConnections(db);
    }

    @Bean
    ClientApiOutputConsumer clientApiOutputConsumer(
            SyncApiDatabase database,
            SlidingSyncConnections slidingSyncConnections,
            SyncNotifier notifier,
            PushActions pushActions) {
        return new ClientApiOutputConsumer(database, slidingSyncConnections, notifier, pushActions);
    }

    /**
     * Deletes sliding sync connections unused for {@code lattice.syncapi.sliding-sync-connection-expiry}, hourly (the
     * first run a minute after start). Idempotent, so every process may run it.
     */
    @Bean(destroyMethod = "dispose")
    Disposable slidingSyncConnectionExpiry(SlidingSyncConnections connections, SyncApiProperties properties) {
        Clock clock = Clock.systemUTC();
        return Flux.interval(Duration.ofMinutes(1), Duration.ofHours(1))
                .onBackpressureDrop()
                .concatMap(tick -> connections
                        .deleteIdle(clock.millis()
                                - properties.slidingSyncConnectionExpiry().toMillis())
                        .doOnNext(deleted -> {
                            if (deleted > 0) {
                                log.info(
                                        "deleted {} sliding sync connections unused for {}",
                                        deleted,
                                        properties.slidingSyncConnectionExpiry());
                            }
                        })
                        .onErrorResume(e -> {
                            log.warn("sliding sync connection expiry failed: {}", e.toString());
                            return Mono.empty();
                        }))
                .subscribe();
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
    BundledAggregations bundledAggregations(SyncApiDatabase database) {
        return new BundledAggregations(database);
    }

    @Bean
    RoomEventsStream roomEventsStream(
            SyncApiDatabase database, MembershipHistory memberships, BundledAggregations aggregations) {
        return new RoomEventsStream(database, memberships, aggregations, new LazyLoadedMembers(), Clock.systemUTC());
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
    DeviceLists deviceLists(SyncApiDatabase database) {
        return new DeviceLists(database);
    }

    @Bean
    DeviceListsStream deviceListsStream(DeviceLists deviceLists) {
        return new DeviceListsStream(deviceLists);
    }

    @Bean(destroyMethod = "close")
    BusConsumer syncapiKeyserverOutput(Bus bus, SyncApiDatabase database, SyncNotifier notifier) {
        return bus.subscribe(
                CONSUMER_GROUP,
                List.of(Topics.KEYSERVER_OUTPUT),
                new KeyserverOutputConsumer(database, notifier)::handle);
    }

    @Bean
    ReceiptsStream receiptsStream(SyncApiDatabase database) {
        return new ReceiptsStream(database);
    }

    @Bean(destroyMethod = "close")
    BusConsumer syncapiReceipts(Bus bus, SyncApiDatabase database, SyncNotifier notifier) {
        return bus.subscribe(
                CONSUMER_GROUP, List.of(Topics.EPHEMERAL_RECEIPTS), new ReceiptsConsumer(database, notifier)::handle);
    }

    @Bean
    Presence presence(
            SyncApiDatabase database,
            SyncNotifier notifier,
            SyncApiProperties properties,
            Bus bus,
            LatticeProperties lattice) {
        return new Presence(
                ServerName.parse(lattice.serverName()),
                database,
                notifier,
                update -> bus.publish(Topics.EPHEMERAL_PRESENCE, update.userId().value(), BusJson.encode(update)),
                Clock.systemUTC(),
                properties.presenceEnabled());
    }

    /**
     * Every process reads every presence change: other servers' users' are stored (by whichever process is first),
     * and each process wakes its own long-polls.
     */
    @Bean(destroyMethod = "close")
    BusConsumer syncapiPresence(Bus bus, Presence presence) {
        return bus.tail(List.of(Topics.EPHEMERAL_PRESENCE), new PresenceConsumer(presence)::handle);
    }

    @Bean
    PresenceStream presenceStream(SyncApiDatabase database, Presence presence) {
        return new PresenceStream(database, presence, Clock.systemUTC());
    }

    /** The presence timers, every 5 s: offline after 30 s unseen, unavailable after 5 min idle. */
    @Bean(destroyMethod = "dispose")
    Disposable presenceTimers(Presence presence) {
        return Flux.interval(Duration.ofSeconds(5))
                .onBackpressureDrop()
                .concatMap(tick -> presence.expire().onErrorResume(e -> {
                    log.warn("presence timers failed: {}", e.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    @Bean
    TypingRooms typingRooms() {
        return new TypingRooms(Clock.systemUTC().millis());
    }

    @Bean
    Typing typing(SyncApiDatabase database, TypingRooms rooms, SyncNotifier notifier, Bus bus) {
        return new Typing(
                database,
                rooms,
                notifier,
                update -> bus.publish(Topics.EPHEMERAL_TYPING, update.roomId().toString(), BusJson.encode(update)),
                Clock.systemUTC());
    }

    @Bean
    TypingStream typingStream(TypingRooms rooms) {
        return new TypingStream(rooms);
    }

    /** Every process reads every typing update: each keeps the typing state in memory. */
    @Bean(destroyMethod = "close")
    BusConsumer syncapiTyping(Bus bus, Typing typing) {
        return bus.tail(List.of(Topics.EPHEMERAL_TYPING), new TypingConsumer(typing)::handle);
    }

    /** Expires typing users once a second (Synapse's granularity is similar). */
    @Bean(destroyMethod = "dispose")
    Disposable typingExpiry(Typing typing) {
        return Flux.interval(Duration.ofSeconds(1))
                .onBackpressureDrop()
                .concatMap(tick -> typing.expire().onErrorResume(e -> {
                    log.warn("typing expiry failed: {}", e.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    @Bean
    ToDeviceSender toDeviceSender(
            SyncApiDatabase database,
            ObjectProvider<UserApi> users,
            SyncNotifier notifier,
            Bus bus,
            LatticeProperties lattice) {
        return new ToDeviceSender(
                database, users::getObject, notifier, ServerName.parse(lattice.serverName()), bus, Clock.systemUTC());
    }

    /**
     * {@code GET} (and the older draft's {@code POST}) {@code /dehydrated_device/{deviceId}/events} of MSC3814: the
     * syncapi holds the to-device inbox.
     */
    @Bean
    RouterFunction<ServerResponse> dehydratedDeviceEventsRoutes(
            MatrixRouter router,
            AccessTokens accessTokens,
            JsonBodies bodies,
            SyncApiDatabase database,
            ObjectProvider<UserApi> users) {
        DehydratedDeviceEvents events = new DehydratedDeviceEvents(database, users::getObject);
        String path = "/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device/{deviceId}/events";
        return router.builder()
                .GET(
                        path,
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> events.events(
                                        device, request.pathVariable("deviceId"), request.queryParam("from")))
                                .flatMap(SyncApiConfiguration::ok))
                .POST(
                        path,
                        request -> accessTokens
                                .authenticate(request)
                                .flatMap(device -> bodies.readCanonicalObjectOrEmpty(request)
                                        .flatMap(body -> events.events(
                                                device,
                                                request.pathVariable("deviceId"),
                                                body.getString("next_batch"))))
                                .flatMap(SyncApiConfiguration::ok))
                .build();
    }

    private static Mono<ServerResponse> ok(JsonObject body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(CanonicalJson.encode(body));
    }

    /** Other servers' users' to-device messages, from the federation-api. */
    @Bean(destroyMethod = "close")
    BusConsumer syncapiToDevice(Bus bus, ToDeviceSender toDevice) {
        return bus.subscribe(CONSUMER_GROUP, List.of(Topics.TODEVICE), new ToDeviceConsumer(toDevice)::handle);
    }

    @Bean
    RouterFunction<ServerResponse> syncRoutes(
            MatrixRouter router,
            AccessTokens accessTokens,
            SyncApiDatabase database,
            SlidingSyncConnections slidingSyncConnections,
            SyncNotifier notifier,
            SyncApiProperties properties,
            ObjectProvider<UserApi> users,
            ObjectProvider<QueryDeviceKeyCountsApi> keys,
            List<SyncStreamProvider> streams,
            ToDeviceStream toDeviceStream,
            MembershipHistory memberships,
            Typing typing,
            DeviceLists deviceLists,
            BundledAggregations aggregations,
            Presence presence,
            JsonBodies bodies,
            ToDeviceSender toDevice,
            ObjectProvider<BackfillApi> backfill,
            Bus bus) {
        Clock clock = Clock.systemUTC();
        RemoteHistory history =
                new RemoteHistory(database, () -> Optional.ofNullable(backfill.getIfAvailable()), clock);
        RoomMessages messages = new RoomMessages(database, memberships, aggregations, history, clock);
        Syncer syncer = new Syncer(
                streams,
                () -> Optional.ofNullable(keys.getIfAvailable()),
                database,
                notifier,
                properties.maxSyncTimeout());
        if (properties.onlyProcess()) {
            syncer.notifierHearsAllFromNow()
                    .subscribe(null, e -> log.warn("long-polls read the database first: {}", e.toString()));
        }
        SlidingSync slidingSync = new SlidingSync(
                database,
                slidingSyncConnections,
                streams,
                toDeviceStream,
                memberships,
                aggregations,
                users::getObject,
                new DeviceKeyCounts(() -> Optional.ofNullable(keys.getIfAvailable())),
                notifier,
                properties.maxSyncTimeout(),
                clock);
        return new SyncRoutes(
                        accessTokens,
                        bodies,
                        syncer,
                        slidingSync,
                        messages,
                        new RoomMembers(database, memberships, clock),
                        toDevice,
                        typing,
                        deviceLists,
                        new RoomRelations(database, memberships, aggregations, messages, clock),
                        new UserDirectory(database),
                        presence,
                        users::getObject,
                        new SpaceHierarchy(database),
                        new RoomSearch(database, memberships, aggregations, clock),
                        new ReadYourWrites(() ->
                                bus.awaitConsumed(CONSUMER_GROUP, Topics.ROOMSERVER_OUTPUT, READ_YOUR_WRITES_WAIT)))
                .routes(router);
    }
}
