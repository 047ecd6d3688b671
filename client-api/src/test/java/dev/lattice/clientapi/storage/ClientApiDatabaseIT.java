package dev.lattice.clientapi.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.clientapi.AccessTokensRevoked;
import dev.lattice.api.clientapi.DevicesDeleted;
import dev.lattice.api.clientapi.Pusher;
import dev.lattice.clientapi.consumers.RevokedTokensConsumer;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.config.LatticeProperties;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.db.ServiceSchema;
import dev.lattice.runtime.outbox.Outbox;
import dev.lattice.testing.TestInfra;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Each table of the client-api, through {@link ClientApiDatabase}, against a real PostgreSQL. */
class ClientApiDatabaseIT {
    private static ClientApiDatabase database;
    private static Database migrated;
    private static TransactionalOperator transactions;
    private static final String RUN = "db" + UUID.randomUUID().toString().substring(0, 8);
    private static int counter;

    @BeforeAll
    static void migrate() {
        LatticeProperties.Database settings = TestInfra.postgres();
        var connections = TestInfra.connectionFactory();
        migrated = new Database(settings, List.of(new ServiceSchema("clientapi")), DatabaseClient.create(connections));
        transactions = TransactionalOperator.create(new R2dbcTransactionManager(connections));
        // An outbox that publishes nowhere: these tests look at the tables; UserApiAccountDataIT at the bus.
        database = new ClientApiDatabase(
                migrated.client(), transactions, outboxNowhere(), ServerName.parse("test.lattice"));
    }

    private static Pusher pusher(String pushkey) {
        return new Pusher(
                "org.example.app",
                pushkey,
                "http",
                "App",
                "Phone",
                Optional.empty(),
                "en",
                "{\"url\":\"https://push.example.org/_matrix/push/v1/notify\"}");
    }

    @Test
    void whoHasAPusherIsRememberedInTheOnlyProcessOnlyUntilTheNextWriteOfPushers() {
        ClientApiDatabase only = new ClientApiDatabase(
                migrated.client(), transactions, outboxNowhere(), ServerName.parse("test.lattice"), true);
        String alice = newLocalpart();
        String bob = newLocalpart();
        String pushkey = "key-" + UUID.randomUUID();
        assertThat(only.localpartsWithPushers(List.of(alice, bob)).block()).isEmpty();

        only.setPusher(alice, pusher(pushkey), false, 1).block();
        assertThat(only.localpartsWithPushers(List.of(alice, bob)).block()).containsExactly(alice);
        // Remembered: asked again, the same answer; and for one of them alone.
        assertThat(only.localpartsWithPushers(List.of(alice, bob)).block()).containsExactly(alice);
        assertThat(only.localpartsWithPushers(List.of(bob)).block()).isEmpty();

        // The same pushkey set for bob without append takes it from alice: both answers change.
        only.setPusher(bob, pusher(pushkey), false, 2).block();
        assertThat(only.localpartsWithPushers(List.of(alice, bob)).block()).containsExactly(bob);

        only.deletePusher(bob, "org.example.app", pushkey).block();
        assertThat(only.localpartsWithPushers(List.of(alice, bob)).block()).isEmpty();
        // As the database itself answers.
        assertThat(database.localpartsWithPushers(List.of(alice, bob)).block()).isEmpty();
    }

    private static Outbox outboxNowhere() {
        return new Outbox(
                migrated.client(),
                transactions,
                "clientapi",
                (topic, key, payload) -> Mono.empty(),
                Duration.ofSeconds(1),
                100);
    }

    private static synchronized String newLocalpart() {
        return RUN + "-" + (++counter);
    }

    private static byte[] hash(String token) {
        return (token + "-" + UUID.randomUUID()).getBytes(UTF_8);
    }

    private static NewSession session(String deviceId, NewTokens tokens) {
        return new NewSession(deviceId, "Phone", "127.0.0.1", tokens);
    }

    @Test
    void accountsTableReservesLocalpartsEvenAfterDeactivation() {
        String alice = newLocalpart();
        assertThat(database.createAccount(alice, "$2b$hash", false, alice, null, 1)
                        .block())
                .isTrue();
        assertThat(database.createAccount(alice, "$2b$other", true, alice, null, 2)
                        .block())
                .isFalse();
        StoredAccount account = database.account(alice).block();
        assertThat(account.passwordHash()).isEqualTo("$2b$hash");
        assertThat(account.isAdmin()).isFalse();

        assertThat(database.changePassword(alice, "$2b$new", false, null).block())
                .isTrue();
        assertThat(database.deactivate(alice, 3).block()).isTrue();
        assertThat(database.deactivate(alice, 4).block()).isFalse();
        account = database.account(alice).block();
        assertThat(account.deactivated()).isTrue();
        assertThat(account.passwordHash()).isNull();
        assertThat(database.changePassword(alice, "$2b$again", false, null).block())
                .isFalse();
        assertThat(database.createAccount(alice, "$2b$hash", false, alice, null, 5)
                        .block())
                .isFalse();
    }

    @Test
    void devicesTableKeepsNamesAndDeletingADeviceRevokesItsTokens() {
        String bob = newLocalpart();
        byte[] access = hash("a");
        database.createAccount(bob, "h", false, bob, session("D1", new NewTokens(access, null, null)), 1)
                .block();
        database.startSession(bob, new NewSession("D2", null, null, new NewTokens(hash("b"), null, null)), 2)
                .block();
        // A second login on D1 keeps its name.
        database.startSession(bob, new NewSession("D1", "Other", null, new NewTokens(hash("c"), null, null)), 3)
                .block();
        assertThat(database.devices(bob).collectList().block())
                .extracting(StoredDevice::deviceId)
                .containsExactly("D1", "D2");
        assertThat(database.device(bob, "D1").block().displayName()).isEqualTo("Phone");
        assertThat(database.renameDevice(bob, "D2", "Laptop").block()).isTrue();
        assertThat(database.renameDevice(bob, "NONE", "x").block()).isFalse();

        assertThat(database.accessToken(access).block().deviceId()).isEqualTo("D1");
        assertThat(database.deleteDevices(bob, "D1", "NONE").block()).isEqualTo(1);
        assertThat(database.accessToken(access).blockOptional()).isEmpty();
        assertThat(database.deleteAllDevices(bob).block()).isEqualTo(1);
    }

    @Test
    void accessAndRefreshTokensTablesRotate() {
        String carol = newLocalpart();
        byte[] access1 = hash("a1");
        byte[] refresh1 = hash("r1");
        database.createAccount(carol, "h", false, carol, session("D", new NewTokens(access1, refresh1, 100L)), 1)
                .block();
        assertThat(database.accessToken(access1).block().expiresTs()).isEqualTo(100L);

        byte[] access2 = hash("a2");
        byte[] refresh2 = hash("r2");
        assertThat(database.refresh(refresh1, new NewTokens(access2, refresh2, 200L), 2)
                        .block()
                        .localpart())
                .isEqualTo(carol);
        assertThat(database.accessToken(access1).blockOptional()).isEmpty();
        // Using the new access token revokes the old refresh token.
        assertThat(database.accessToken(access2).block().previousRefreshHash()).isNotNull();
        assertThat(database.accessToken(access2).block().previousRefreshHash()).isNull();
        assertThat(database.refresh(refresh1, new NewTokens(hash("a3"), hash("r3"), 300L), 3)
                        .blockOptional())
                .isEmpty();
    }

    /**
     * Two client-api instances on one database, each with its cache of token lookups: a revocation through one is
     * honoured by the other once the record it published reaches it, and (the reason the record exists) not before.
     */
    @Test
    void anotherInstanceDropsRevokedTokensFromItsCacheWhenTheRevocationIsAnnounced() {
        List<BusRecord> published = new CopyOnWriteArrayList<>();
        Outbox capturing = new Outbox(
                migrated.client(),
                transactions,
                "clientapi",
                (topic, key, payload) ->
                        Mono.fromRunnable(() -> published.add(new BusRecord(topic, 0, published.size(), key, payload))),
                Duration.ofSeconds(1),
                100);
        ServerName server = ServerName.parse("test.lattice");
        ClientApiDatabase first = new ClientApiDatabase(migrated.client(), transactions, capturing, server);
        ClientApiDatabase second = new ClientApiDatabase(migrated.client(), transactions, capturing, server);
        RevokedTokensConsumer secondTail = new RevokedTokensConsumer(second);

        String frank = newLocalpart();
        byte[] phone = hash("phone");
        byte[] laptop1 = hash("laptop1");
        byte[] laptopRefresh = hash("laptop-refresh");
        first.createAccount(frank, "h", false, frank, session("PHONE", new NewTokens(phone, null, null)), 1)
                .block();
        first.startSession(frank, session("LAPTOP", new NewTokens(laptop1, laptopRefresh, 1_000L)), 2)
                .block();
        assertThat(second.accessToken(phone).block().deviceId()).isEqualTo("PHONE");
        assertThat(second.accessToken(laptop1).block().deviceId()).isEqualTo("LAPTOP");

        // Logout through the first: it refuses the token at once; the second still holds it until told.
        first.deleteDevices(frank, "PHONE").block();
        assertThat(first.accessToken(phone).blockOptional()).isEmpty();
        assertThat(second.accessToken(phone).blockOptional()).isPresent();
        // A refresh through the first revokes the laptop's old access token; the device stays.
        first.refresh(laptopRefresh, new NewTokens(hash("laptop2"), hash("laptop-refresh2"), 2_000L), 3)
                .block();
        assertThat(first.accessToken(laptop1).blockOptional()).isEmpty();
        assertThat(second.accessToken(laptop1).blockOptional()).isPresent();

        assertThat(published)
                .extracting(record -> CanonicalJson.parseObject(record.payload())
                        .getString("type")
                        .orElseThrow())
                .containsExactly(DevicesDeleted.TYPE, AccessTokensRevoked.TYPE);
        published.forEach(record -> secondTail.handle(record).block());
        assertThat(second.accessToken(phone).blockOptional()).isEmpty();
        assertThat(second.accessToken(laptop1).blockOptional()).isEmpty();
    }

    @Test
    void profilesTableStartsWithTheDefaultDisplayname() {
        String dave = newLocalpart();
        database.createAccount(dave, "h", false, dave, null, 1).block();
        assertThat(database.profile(dave).block()).isEqualTo(new StoredProfile(dave, null));
        database.setAvatarUrl(dave, "mxc://x/y").block();
        database.setDisplayname(dave, null).block();
        assertThat(database.profile(dave).block()).isEqualTo(new StoredProfile(null, "mxc://x/y"));
        assertThat(database.setDisplayname(newLocalpart(), "nobody").block()).isFalse();
    }

    @Test
    void accountDataTableKeepsTheLatestContentWithIncreasingStreamPositions() {
        String erin = newLocalpart();
        database.createAccount(erin, "h", false, erin, null, 1).block();
        long first = database.putAccountData(erin, "", "m.direct", "{\"a\": 1}", (writer, id) -> Mono.empty())
                .block();
        long second = database.putAccountData(erin, "", "m.direct", "{\"a\": 2}", (writer, id) -> Mono.empty())
                .block();
        assertThat(second).isGreaterThan(first);
        assertThat(database.accountData(erin, "", "m.direct").block()).isEqualTo("{\"a\": 2}");
        assertThat(database.accountData(erin, "!r:x", "m.direct").blockOptional())
                .isEmpty();

        // A failure while announcing (inside the transaction) rolls the write back.
        assertThat(database.putAccountData(
                                erin,
                                "",
                                "m.direct",
                                "{\"a\": 3}",
                                (writer, id) -> Mono.error(new IllegalStateException("cannot encode")))
                        .onErrorResume(e -> Mono.empty())
                        .blockOptional())
                .isEmpty();
        assertThat(database.accountData(erin, "", "m.direct").block()).isEqualTo("{\"a\": 2}");
    }

    @Test
    void filtersTableHandsOutIdsPerUser() {
        String frank = newLocalpart();
        database.createAccount(frank, "h", false, frank, null, 1).block();
        long id = database.createFilter(frank, "{\"room\": {}}").block();
        assertThat(database.filter(frank, id).block()).isEqualTo("{\"room\": {}}");
        assertThat(database.filter(newLocalpart(), id).blockOptional()).isEmpty();
    }

    @Test
    void uiaSessionsTableRecordsStagesAndExpires() {
        String session = "s-" + UUID.randomUUID();
        database.createUiaSession(session, "POST /register", null, 1_000, 0).block();
        database.completeUiaStage(session, "m.login.dummy").block();
        database.completeUiaStage(session, "m.login.dummy").block();
        StoredUiaSession stored = database.uiaSession(session, 0).block();
        assertThat(stored.completed()).containsExactly("m.login.dummy");
        assertThat(stored.operation()).isEqualTo("POST /register");
        assertThat(database.uiaSession(session, 1_000).blockOptional()).isEmpty();
        database.deleteUiaSession(session).block();
        assertThat(database.uiaSession(session, 0).blockOptional()).isEmpty();
    }

    @Test
    void adminNoncesTableUsesEachNonceOnce() {
        String nonce = "n-" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        database.createAdminNonce(nonce, now, now - 60_000).block();
        assertThat(database.takeAdminNonce(nonce, now - 60_000).block()).isTrue();
        assertThat(database.takeAdminNonce(nonce, now - 60_000).block()).isFalse();
        String old = "n-" + UUID.randomUUID();
        database.createAdminNonce(old, now - 120_000, now - 180_000).block();
        assertThat(database.takeAdminNonce(old, now - 60_000).block()).isFalse();
    }

    @Test
    void roomAliasDirectoryAndForgottenRoomTables() {
        String alias = "#" + newLocalpart() + ":test.lattice";
        String room = "!" + newLocalpart() + ":test.lattice";
        assertThat(database.createRoomAlias(alias, room, "@a:test.lattice", 1).block())
                .isTrue();
        assertThat(database.createRoomAlias(alias, "!other:test.lattice", "@b:test.lattice", 2)
                        .block())
                .isFalse();
        assertThat(database.roomOfAlias(alias).block()).isEqualTo(room);
        assertThat(database.roomAliasCreator(alias).block()).isEqualTo("@a:test.lattice");
        assertThat(database.roomAliases(room).collectList().block()).containsExactly(alias);
        assertThat(database.deleteRoomAlias(alias).block()).isTrue();
        assertThat(database.deleteRoomAlias(alias).block()).isFalse();
        assertThat(database.roomOfAlias(alias).block()).isNull();

        assertThat(database.isRoomPublished(room).block()).isFalse();
        database.publishRoom(room, 3).block();
        database.publishRoom(room, 4).block();
        assertThat(database.isRoomPublished(room).block()).isTrue();
        assertThat(database.publishedRooms().collectList().block()).contains(room);
        database.unpublishRoom(room).block();
        assertThat(database.isRoomPublished(room).block()).isFalse();

        String user = newLocalpart();
        database.forgetRoom(user, room, 5).block();
        database.forgetRoom(user, room, 6).block();
        assertThat(database.isRoomForgotten(user, room).block()).isTrue();
        assertThat(database.forgottenRooms(user).block()).containsExactly(room);
        database.unforgetRoom(user, room).block();
        assertThat(database.isRoomForgotten(user, room).block()).isFalse();
        assertThat(database.forgottenRooms(user).block()).isEmpty();
    }
}
