package dev.lattice.keyserver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.federationapi.RemoteKeysApi;
import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.api.roomserver.QueryMembershipApi;
import dev.lattice.api.roomserver.RoomMembership;
import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.keyserver.TestingStorage;
import dev.lattice.keyserver.storage.postgres.PostgresKeyserverDatabase;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Other servers' users' keys through {@link Keys} on a real database: asked of their server, cached while a room is
 * shared (so their updates reach us), dropped by an update, not cached when an update came during the fetch.
 */
class RemoteKeysIT {
    private static final ServerName HERE = ServerName.parse("here.test");
    private static final ServerName THERE = ServerName.parse("there.test");
    private static final UserId ALICE = UserId.parse("@alice:here.test");

    private static PostgresKeyserverDatabase database;
    private static CrossSigning crossSigning;

    /** The other server: answers each query with the device it currently has, counting the queries. */
    private static final class OtherServer implements RemoteKeysApi {
        final AtomicInteger queries = new AtomicInteger();
        final AtomicReference<String> device = new AtomicReference<>("PHONE");
        volatile Mono<Void> whileAnswering = Mono.empty();
        volatile boolean down;

        @Override
        public Mono<JsonObject> queryRemoteKeys(ServerName server, JsonObject deviceKeys, Duration timeout) {
            queries.incrementAndGet();
            if (down) {
                return Mono.error(new IllegalStateException("connection refused"));
            }
            String user = deviceKeys.members().keySet().iterator().next();
            String device = this.device.get();
            return whileAnswering.then(Mono.fromCallable(() -> CanonicalJson.parseObject("{\"device_keys\": {\""
                    + user + "\": {\"" + device + "\": {\"user_id\": \"" + user + "\", \"device_id\": \"" + device
                    + "\", \"keys\": {}}}}}")));
        }

        @Override
        public Mono<JsonObject> claimRemoteKeys(ServerName server, JsonObject oneTimeKeys, Duration timeout) {
            return Mono.error(new UnsupportedOperationException("not asked here"));
        }
    }

    /** The roomserver's answer to which users are joined to a room held here. */
    private record Rooms(Set<UserId> joined) implements QueryMembershipApi {
        @Override
        public Mono<List<RoomId>> queryJoinedRooms(UserId userId) {
            return Mono.just(joined.contains(userId) ? List.of(RoomId.parse("!shared:here.test")) : List.of());
        }

        @Override
        public Mono<Optional<RoomMembership>> queryMembership(RoomId roomId, UserId userId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<List<RoomMembership>> queryMembershipsOfUser(UserId userId, String membership) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<Optional<StoredEvent>> queryOutsideMembership(RoomId roomId, UserId userId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Mono<List<UserId>> queryJoinedMembers(RoomId roomId) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeAll
    static void migrate() {
        TestingStorage storage = TestingStorage.migrated((topic, key, payload) -> Mono.empty());
        database = storage.database();
        crossSigning = storage.crossSigning();
    }

    private static Keys keys(OtherServer server, Set<UserId> sharing) {
        return new Keys(
                database, crossSigning, HERE, () -> server, () -> null, () -> new Rooms(sharing), Clock.systemUTC());
    }

    private static UserId remoteUser() {
        return UserId.parse("@u" + UUID.randomUUID().toString().substring(0, 8) + ":" + THERE.value());
    }

    private static Set<String> devicesOf(JsonObject answer, UserId user) {
        return answer.getObject("device_keys")
                .flatMap(users -> users.getObject(user.value()))
                .map(devices -> devices.members().keySet())
                .orElseThrow(() -> new AssertionError("no device_keys for " + user + " in " + answer));
    }

    private static JsonObject query(Keys keys, UserId user) {
        return keys.query(ALICE, CanonicalJson.parseObject("{\"device_keys\": {\"" + user.value() + "\": []}}"))
                .block();
    }

    @Test
    void aSharedRoomsUsersKeysAreAskedOnceUntilAnUpdateDropsThem() {
        OtherServer there = new OtherServer();
        UserId bob = remoteUser();
        Keys keys = keys(there, Set.of(bob));

        assertThat(devicesOf(query(keys, bob), bob)).containsExactly("PHONE");
        assertThat(devicesOf(query(keys, bob), bob)).containsExactly("PHONE");
        assertThat(there.queries).hasValue(1);

        there.device.set("LAPTOP");
        database.invalidateRemoteKeysAndAnnounce(
                        DeviceListChange.of(bob, Optional.of(DeviceId.parse("LAPTOP")), false),
                        System.currentTimeMillis())
                .block();
        assertThat(devicesOf(query(keys, bob), bob)).containsExactly("LAPTOP");
        assertThat(there.queries).hasValue(2);
    }

    @Test
    void usersWhoShareNoRoomAreAskedEveryTimeAndAFailedServerIsAFailure() {
        OtherServer there = new OtherServer();
        UserId carol = remoteUser();
        Keys keys = keys(there, Set.of());

        query(keys, carol);
        query(keys, carol);
        assertThat(there.queries).hasValue(2);

        there.down = true;
        JsonObject answer = query(keys, carol);
        assertThat(answer.getObject("failures").flatMap(failures -> failures.getObject(THERE.value())))
                .hasValueSatisfying(
                        failure -> assertThat(failure.getInteger("status")).contains(503L));
    }

    @Test
    void anUpdateDuringTheFetchKeepsTheAnswerOutOfTheCache() throws InterruptedException {
        OtherServer there = new OtherServer();
        UserId dan = remoteUser();
        Keys keys = keys(there, Set.of(dan));
        // the update arrives while the server answers: the answer may predate it
        there.whileAnswering = Mono.defer(() -> database.invalidateRemoteKeysAndAnnounce(
                DeviceListChange.of(dan, Optional.empty(), false), System.currentTimeMillis()));

        query(keys, dan);
        there.whileAnswering = Mono.empty();
        // a fetch that starts in the update's millisecond is not cached either; the next one must start after it
        Thread.sleep(5);
        query(keys, dan);
        assertThat(there.queries).hasValue(2);
        query(keys, dan);
        assertThat(there.queries).hasValue(2);
    }

    @Test
    void aQueryForSomeDevicesIsServedButNotCached() {
        OtherServer there = new OtherServer();
        UserId erin = remoteUser();
        Keys keys = keys(there, Set.of(erin));
        JsonObject some = keys.query(
                        ALICE, CanonicalJson.parseObject("{\"device_keys\": {\"" + erin.value() + "\": [\"PHONE\"]}}"))
                .block();
        assertThat(devicesOf(some, erin)).containsExactly("PHONE");
        query(keys, erin);
        assertThat(there.queries).hasValue(2);
    }
}
