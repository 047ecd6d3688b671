package dev.lattice.federationapi;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.keyserver.LocalKeysApi;
import dev.lattice.api.roomserver.QueryMembershipApi;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.api.roomserver.RoomserverQueryApi;
import dev.lattice.federationapi.config.FederationApiProperties;
import dev.lattice.federationapi.consumers.DeviceListConsumer;
import dev.lattice.federationapi.consumers.EphemeralConsumer;
import dev.lattice.federationapi.consumers.RoomserverOutputConsumer;
import dev.lattice.federationapi.consumers.ToDeviceConsumer;
import dev.lattice.federationapi.internal.Backfill;
import dev.lattice.federationapi.internal.DnsLookups;
import dev.lattice.federationapi.internal.FederationClient;
import dev.lattice.federationapi.internal.FederationTls;
import dev.lattice.federationapi.internal.HttpsExchange;
import dev.lattice.federationapi.internal.InboundInvites;
import dev.lattice.federationapi.internal.InboundJoins;
import dev.lattice.federationapi.internal.InboundReads;
import dev.lattice.federationapi.internal.InboundTransactions;
import dev.lattice.federationapi.internal.KeyRing;
import dev.lattice.federationapi.internal.MatrixServerResolver;
import dev.lattice.federationapi.internal.OriginLimiter;
import dev.lattice.federationapi.internal.OutboundQueue;
import dev.lattice.federationapi.internal.PartialStateResync;
import dev.lattice.federationapi.internal.ReceivedPdus;
import dev.lattice.federationapi.internal.RemoteKeys;
import dev.lattice.federationapi.internal.RemoteMedia;
import dev.lattice.federationapi.internal.RemoteMemberships;
import dev.lattice.federationapi.internal.RemoteState;
import dev.lattice.federationapi.internal.RequestAuthenticator;
import dev.lattice.federationapi.internal.ServerAcls;
import dev.lattice.federationapi.internal.ServerKeys;
import dev.lattice.federationapi.internal.ServerResolver;
import dev.lattice.federationapi.routing.FederationAuthFilter;
import dev.lattice.federationapi.storage.FederationApiDatabase;
import dev.lattice.federationapi.storage.postgres.PostgresFederationApiDatabase;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusConsumer;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.net.IpRange;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.event.EventListener;

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
    private static final Logger log = LoggerFactory.getLogger(FederationApiConfiguration.class);

    @Bean
    ServerKeys serverKeys(LatticeProperties properties, SigningKey serverSigningKey) {
        return new ServerKeys(
                properties.serverName(),
                serverSigningKey,
                ServerKeys.oldKeys(properties.federation().oldVerifyKeys()),
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

    @Bean
    ReceivedPdus receivedPdus(KeyRing keyRing) {
        return new ReceivedPdus(keyRing);
    }

    /** Events other servers have and this one lacks, above all the state before an event beyond a gap. */
    @Bean
    RemoteState remoteState(
            FederationClient client,
            ReceivedPdus receivedPdus,
            ObjectProvider<RoomserverInputApi> input,
            ObjectProvider<RoomserverQueryApi> query) {
        return new RemoteState(client, receivedPdus, input::getObject, query::getObject);
    }

    /**
     * The whole state of rooms joined with partial state, fetched in the background; rooms still partial from before
     * a restart are resumed once the application is ready (the roomserver answers then).
     */
    @Bean(destroyMethod = "close")
    PartialStateResync partialStateResync(
            LatticeProperties properties,
            RemoteState remoteState,
            ObjectProvider<RoomserverInputApi> input,
            ObjectProvider<RoomserverQueryApi> query) {
        return new PartialStateResync(
                ServerName.parse(properties.serverName()), remoteState, input::getObject, query::getIfAvailable);
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumePartialStateResyncs(ApplicationReadyEvent ready) {
        ready.getApplicationContext()
                .getBean(PartialStateResync.class)
                .resume()
                .subscribe(null, e -> log.warn("cannot resume the partial-state resyncs: {}", e.getMessage()));
    }

    /** Joins to other servers' rooms; the roomserver is reached through its interface (in process: its bean). */
    @Bean
    RemoteMemberships remoteMemberships(
            LatticeProperties properties,
            FederationApiProperties settings,
            SigningKey serverSigningKey,
            FederationClient client,
            ReceivedPdus receivedPdus,
            PartialStateResync resync,
            ObjectProvider<RoomserverInputApi> roomserver,
            ObjectProvider<RoomserverQueryApi> query) {
        return new RemoteMemberships(
                ServerName.parse(properties.serverName()),
                serverSigningKey,
                client,
                receivedPdus,
                roomserver::getObject,
                query::getObject,
                Clock.systemUTC(),
                settings.partialStateJoins() ? resync : null);
    }

    @Bean
    InboundTransactions inboundTransactions(
            LatticeProperties properties,
            ServerAcls acls,
            FederationApiDatabase database,
            ReceivedPdus receivedPdus,
            RemoteState remoteState,
            FederationClient client,
            ObjectProvider<RoomserverInputApi> input,
            ObjectProvider<RoomserverQueryApi> query,
            Bus bus) {
        return new InboundTransactions(
                ServerName.parse(properties.serverName()),
                acls,
                database,
                receivedPdus,
                remoteState,
                client,
                input::getObject,
                query::getObject,
                bus,
                Clock.systemUTC());
    }

    /** History from other servers for clients paging back past the oldest event held here (the syncapi asks). */
    @Bean
    Backfill backfill(
            LatticeProperties properties,
            FederationClient client,
            RemoteState remoteState,
            ServerAcls acls,
            ObjectProvider<RoomserverInputApi> input,
            ObjectProvider<RoomserverQueryApi> query) {
        return new Backfill(
                ServerName.parse(properties.serverName()),
                client,
                remoteState,
                acls,
                input::getObject,
                query::getObject);
    }

    /** Other servers' media, for the media-api to cache. */
    @Bean
    RemoteMedia remoteMedia(FederationClient client, HttpsExchange https) {
        return new RemoteMedia(client, https);
    }

    /** Rooms' server ACLs, read from the roomserver's current state. */
    @Bean
    ServerAcls serverAcls(ObjectProvider<RoomserverQueryApi> query) {
        return new ServerAcls(query::getObject);
    }

    @Bean
    InboundJoins inboundJoins(
            LatticeProperties properties,
            ReceivedPdus receivedPdus,
            ObjectProvider<RoomserverInputApi> input,
            ObjectProvider<RoomserverQueryApi> query) {
        return new InboundJoins(
                ServerName.parse(properties.serverName()),
                receivedPdus,
                input::getObject,
                query::getObject,
                Clock.systemUTC());
    }

    @Bean
    InboundInvites inboundInvites(
            LatticeProperties properties,
            SigningKey serverSigningKey,
            ReceivedPdus receivedPdus,
            ObjectProvider<RoomserverInputApi> input,
            ObjectProvider<RoomserverQueryApi> query,
            ObjectProvider<UserApi> users) {
        return new InboundInvites(
                ServerName.parse(properties.serverName()),
                serverSigningKey,
                receivedPdus,
                input::getObject,
                query::getObject,
                users::getObject);
    }

    @Bean
    InboundReads inboundReads(
            LatticeProperties properties,
            ServerAcls acls,
            ObjectProvider<RoomserverQueryApi> query,
            ObjectProvider<UserApi> users) {
        return new InboundReads(
                ServerName.parse(properties.serverName()), acls, query::getObject, users::getObject, Clock.systemUTC());
    }

    /** The per-destination queues; what an earlier run left queued starts going out at once. */
    @Bean(destroyMethod = "close")
    OutboundQueue outboundQueue(LatticeProperties properties, FederationClient client, FederationApiDatabase database) {
        OutboundQueue queue =
                new OutboundQueue(ServerName.parse(properties.serverName()), client, database, Clock.systemUTC());
        queue.resume().subscribe(null, e -> log.warn("cannot resume the outbound queues: {}", e.getMessage()));
        return queue;
    }

    /**
     * Our users' new events to the other servers in their rooms (consumer group {@code federationapi}). Where this
     * process has no roomserver to ask for the rooms' members (a split deployment, until internal HTTP exists), the
     * records are skipped.
     */
    @Bean(destroyMethod = "close")
    BusConsumer federationapiRoomserverOutput(
            Bus bus,
            LatticeProperties properties,
            FederationApiProperties federation,
            ObjectProvider<QueryMembershipApi> roomserver,
            OutboundQueue queue) {
        RoomserverOutputConsumer consumer = new RoomserverOutputConsumer(
                ServerName.parse(properties.serverName()), roomserver::getIfAvailable, queue, federation.onlyProcess());
        return bus.subscribe("federationapi", List.of(Topics.ROOMSERVER_OUTPUT), consumer::handle);
    }

    /** Our users' typing and receipts to the other servers in their rooms (consumer group {@code federationapi}). */
    @Bean(destroyMethod = "close")
    BusConsumer federationapiEphemeral(
            Bus bus, LatticeProperties properties, ObjectProvider<QueryMembershipApi> roomserver, OutboundQueue queue) {
        EphemeralConsumer consumer =
                new EphemeralConsumer(ServerName.parse(properties.serverName()), roomserver::getIfAvailable, queue);
        return bus.subscribe(
                "federationapi",
                List.of(Topics.EPHEMERAL_TYPING, Topics.EPHEMERAL_RECEIPTS, Topics.EPHEMERAL_PRESENCE),
                consumer::handle);
    }

    /** Our users' to-device messages to other servers' users (consumer group {@code federationapi}). */
    @Bean(destroyMethod = "close")
    BusConsumer federationapiToDevice(Bus bus, LatticeProperties properties, OutboundQueue queue) {
        ToDeviceConsumer consumer = new ToDeviceConsumer(ServerName.parse(properties.serverName()), queue);
        return bus.subscribe("federationapi", List.of(Topics.TODEVICE), consumer::handle);
    }

    /** Our users' device-list changes to the servers sharing their rooms (consumer group {@code federationapi}). */
    @Bean(destroyMethod = "close")
    BusConsumer federationapiDeviceLists(
            Bus bus,
            LatticeProperties properties,
            ObjectProvider<QueryMembershipApi> roomserver,
            ObjectProvider<LocalKeysApi> keys,
            OutboundQueue queue) {
        DeviceListConsumer consumer = new DeviceListConsumer(
                ServerName.parse(properties.serverName()),
                roomserver::getIfAvailable,
                keys::getIfAvailable,
                queue,
                Clock.systemUTC());
        return bus.subscribe("federationapi", List.of(Topics.KEYSERVER_OUTPUT), consumer::handle);
    }

    /** What the keyserver asks of other servers for their users' keys. */
    @Bean
    RemoteKeys remoteKeys(FederationClient client) {
        return new RemoteKeys(client);
    }

    /** Every authenticated federation route is built with {@code .filter(federationAuthFilter)}. */
    @Bean
    FederationAuthFilter federationAuthFilter(RequestAuthenticator authenticator, OriginLimiter limiter) {
        return new FederationAuthFilter(authenticator, limiter);
    }

    /** Each other server's share of inbound work. */
    @Bean
    OriginLimiter originLimiter(FederationApiProperties settings) {
        return new OriginLimiter(settings.inboundConcurrentPerOrigin(), settings.inboundQueuedPerOrigin());
    }

    /** The schema this service owns; migrations under {@code db/federationapi}. */
    @Bean
    ServiceSchema federationapiSchema() {
        return new ServiceSchema("federationapi");
    }
}
