package dev.lattice.clientapi;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.api.federationapi.RemoteRoomsApi;
import dev.lattice.api.keyserver.CrossSigningKeysApi;
import dev.lattice.api.keyserver.DeviceKeysUploadApi;
import dev.lattice.api.roomserver.ClientRoomserverApi;
import dev.lattice.clientapi.config.ClientApiProperties;
import dev.lattice.clientapi.consumers.RevokedTokensConsumer;
import dev.lattice.clientapi.internal.AccountData;
import dev.lattice.clientapi.internal.AccountManagement;
import dev.lattice.clientapi.internal.Capabilities;
import dev.lattice.clientapi.internal.CrossSigningUpload;
import dev.lattice.clientapi.internal.DehydratedDevices;
import dev.lattice.clientapi.internal.DeviceManagement;
import dev.lattice.clientapi.internal.Filters;
import dev.lattice.clientapi.internal.MemberProfiles;
import dev.lattice.clientapi.internal.OpenIdTokens;
import dev.lattice.clientapi.internal.PasswordHasher;
import dev.lattice.clientapi.internal.Profiles;
import dev.lattice.clientapi.internal.PushRuleSettings;
import dev.lattice.clientapi.internal.Pushers;
import dev.lattice.clientapi.internal.RateLimits;
import dev.lattice.clientapi.internal.Receipts;
import dev.lattice.clientapi.internal.Registration;
import dev.lattice.clientapi.internal.Reports;
import dev.lattice.clientapi.internal.RoomCreation;
import dev.lattice.clientapi.internal.RoomDirectory;
import dev.lattice.clientapi.internal.RoomEvents;
import dev.lattice.clientapi.internal.RoomUpgrades;
import dev.lattice.clientapi.internal.Rooms;
import dev.lattice.clientapi.internal.Sessions;
import dev.lattice.clientapi.internal.TokenIssuer;
import dev.lattice.clientapi.internal.UserApiFacade;
import dev.lattice.clientapi.internal.UserInteractiveAuth;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusConsumer;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.outbox.Outbox;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The client-api service as a configuration: its own application class and {@code deploy/all-in-one} both import it.
 * The client-server API (/_matrix/client/**) and /.well-known/matrix/*: accounts, devices, profiles, account data, filters, aliases and the room directory.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClientApiProperties.class)
@ComponentScan(
        basePackageClasses = ClientApiConfiguration.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class))
public class ClientApiConfiguration {

    /** The schema this service owns; migrations under {@code db/clientapi}. */
    @Bean
    ServiceSchema clientapiSchema() {
        return new ServiceSchema("clientapi");
    }

    /**
     * The clientapi schema's outbox, publishing {@code clientapi.output}; its sweeper runs from start-up, with the
     * roomserver's default interval and batch.
     */
    @Bean(destroyMethod = "close")
    Outbox clientApiOutbox(Database database, ConnectionFactory connections, Bus bus) {
        return new Outbox(
                        database.client(),
                        TransactionalOperator.create(new R2dbcTransactionManager(connections)),
                        "clientapi",
                        bus::publish,
                        Duration.ofSeconds(1),
                        100)
                .start();
    }

    /**
     * The client-api's storage. In the only process serving the client-api ({@code lattice.clientapi.only-process}, set
     * by the all-in-one) whether each user has a pusher is remembered between writes of pushers.
     */
    @Bean
    ClientApiDatabase clientApiDatabase(
            Database database,
            ConnectionFactory connections,
            @Qualifier("clientApiOutbox") Outbox outbox,
            LatticeProperties lattice,
            @Value("${lattice.clientapi.only-process:false}") boolean onlyProcess) {
        // Database.client() is built on the same connection factory, so its statements join these transactions.
        return new ClientApiDatabase(
                database.client(),
                TransactionalOperator.create(new R2dbcTransactionManager(connections)),
                outbox,
                ServerName.parse(lattice.serverName()),
                onlyProcess);
    }

    /**
     * Every client-api instance reads every token revocation, so a token revoked through another instance is not
     * still honoured from this one's cache of lookups.
     */
    @Bean(destroyMethod = "close")
    BusConsumer clientApiRevokedTokens(Bus bus, ClientApiDatabase database) {
        return bus.tail(List.of(Topics.CLIENTAPI_OUTPUT), new RevokedTokensConsumer(database)::handle);
    }

    @Bean
    PasswordHasher passwordHasher(ClientApiProperties settings) {
        return new PasswordHasher(settings.bcryptCost());
    }

    @Bean
    UserInteractiveAuth userInteractiveAuth(
            ClientApiDatabase database,
            PasswordHasher passwords,
            ClientApiProperties settings,
            LatticeProperties lattice) {
        return new UserInteractiveAuth(
                database,
                passwords,
                settings.registration().tokens(),
                ServerName.parse(lattice.serverName()),
                Clock.systemUTC());
    }

    @Bean
    RateLimits rateLimits(ClientApiProperties settings) {
        return new RateLimits(settings.rateLimits());
    }

    @Bean
    TokenIssuer tokenIssuer(ClientApiProperties settings) {
        return new TokenIssuer(settings.refreshableAccessTokenLifetime());
    }

    @Bean
    Registration registration(
            ClientApiDatabase database,
            UserInteractiveAuth uia,
            PasswordHasher passwords,
            TokenIssuer tokens,
            RateLimits rateLimits,
            ClientApiProperties settings,
            LatticeProperties lattice) {
        return new Registration(
                database,
                uia,
                passwords,
                tokens,
                rateLimits,
                settings,
                ServerName.parse(lattice.serverName()),
                Clock.systemUTC());
    }

    @Bean
    Sessions sessions(
            ClientApiDatabase database,
            PasswordHasher passwords,
            TokenIssuer tokens,
            RateLimits rateLimits,
            LatticeProperties lattice) {
        return new Sessions(
                database, passwords, tokens, rateLimits, ServerName.parse(lattice.serverName()), Clock.systemUTC());
    }

    @Bean
    DeviceManagement deviceManagement(ClientApiDatabase database, UserInteractiveAuth uia) {
        return new DeviceManagement(database, uia);
    }

    @Bean
    AccountManagement accountManagement(
            ClientApiDatabase database,
            UserInteractiveAuth uia,
            PasswordHasher passwords,
            ClientApiProperties settings) {
        return new AccountManagement(
                database, uia, passwords, settings.passwordPolicy().minLength(), Clock.systemUTC());
    }

    @Bean
    Profiles profiles(ClientApiDatabase database, LatticeProperties lattice, MemberProfiles members) {
        return new Profiles(database, ServerName.parse(lattice.serverName()), members);
    }

    /** The profile in member events: on joins, and sent into every joined room when it changes. */
    @Bean
    MemberProfiles memberProfiles(
            RoomEvents events, ClientApiDatabase database, ObjectProvider<ClientRoomserverApi> roomserver) {
        return new MemberProfiles(events, database, roomserver::getObject);
    }

    @Bean
    AccountData accountData(ClientApiDatabase database) {
        return new AccountData(database);
    }

    /** The keyserver's cross-signing side: in one process its internal facade, looked up on first use. */
    @Bean
    CrossSigningUpload crossSigningUpload(UserInteractiveAuth uia, ObjectProvider<CrossSigningKeysApi> keyserver) {
        return new CrossSigningUpload(uia, keyserver::getObject);
    }

    @Bean
    OpenIdTokens openIdTokens(ClientApiDatabase database, LatticeProperties lattice) {
        return new OpenIdTokens(database, ServerName.parse(lattice.serverName()), Clock.systemUTC());
    }

    /** Dehydrated devices' keys go to the keyserver (in one process: its internal facade). */
    @Bean
    DehydratedDevices dehydratedDevices(ClientApiDatabase database, ObjectProvider<DeviceKeysUploadApi> keyserver) {
        return new DehydratedDevices(database, keyserver::getObject, Clock.systemUTC());
    }

    @Bean
    Pushers pushers(ClientApiDatabase database) {
        return new Pushers(database, Clock.systemUTC());
    }

    @Bean
    PushRuleSettings pushRuleSettings(ClientApiDatabase database) {
        return new PushRuleSettings(database);
    }

    @Bean
    Reports reports(ClientApiDatabase database, ObjectProvider<ClientRoomserverApi> roomserver) {
        return new Reports(database, roomserver::getObject, Clock.systemUTC());
    }

    @Bean
    Receipts receipts(ClientApiDatabase database, ObjectProvider<ClientRoomserverApi> roomserver) {
        return new Receipts(database, roomserver::getObject, Clock.systemUTC());
    }

    @Bean
    Filters filters(ClientApiDatabase database) {
        return new Filters(database);
    }

    @Bean
    Capabilities capabilities() {
        return new Capabilities();
    }

    /**
     * Room events are built here and decided by the roomserver, reached through {@link ClientRoomserverApi}: in one
     * process its internal facade; looked up on first use so the accounts API runs without one. The classes that read
     * rooms get the same lookup injected, never through {@code RoomEvents}.
     */
    @Bean
    RoomEvents roomEvents(
            ObjectProvider<ClientRoomserverApi> roomserver,
            ObjectProvider<RemoteRoomsApi> remoteRooms,
            LatticeProperties lattice,
            SigningKey signingKey) {
        return new RoomEvents(
                roomserver::getObject,
                remoteRooms::getIfAvailable,
                ServerName.parse(lattice.serverName()),
                signingKey,
                Clock.systemUTC());
    }

    @Bean
    RoomDirectory roomDirectory(
            ClientApiDatabase database, RoomEvents events, ObjectProvider<ClientRoomserverApi> roomserver) {
        return new RoomDirectory(database, events, roomserver::getObject, Clock.systemUTC());
    }

    @Bean
    RoomCreation roomCreation(
            RoomEvents events, ClientApiDatabase database, RoomDirectory directory, MemberProfiles profiles) {
        return new RoomCreation(events, database, directory, profiles);
    }

    @Bean
    RoomUpgrades roomUpgrades(
            RoomEvents events, RoomCreation creation, ObjectProvider<ClientRoomserverApi> roomserver) {
        return new RoomUpgrades(events, creation, roomserver::getObject);
    }

    @Bean
    Rooms rooms(
            RoomEvents events,
            ClientApiDatabase database,
            MemberProfiles profiles,
            ObjectProvider<ClientRoomserverApi> roomserver,
            ObjectProvider<RemoteRoomsApi> remoteRooms) {
        return new Rooms(events, database, profiles, roomserver::getObject, remoteRooms::getIfAvailable);
    }

    /** The {@link UserApi} other services in this process authenticate and read account data through. */
    @Bean
    UserApi userApi(
            Sessions sessions, ClientApiDatabase database, OpenIdTokens openIdTokens, LatticeProperties lattice) {
        return new UserApiFacade(sessions, database, openIdTokens, ServerName.parse(lattice.serverName()));
    }
}
