package dev.lattice.syncapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.syncapi.storage.SlidingSyncConnections;
import dev.lattice.syncapi.storage.SlidingSyncConnections.Position;
import dev.lattice.syncapi.storage.SlidingSyncConnections.SentRoom;
import dev.lattice.testing.TestInfra;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sliding sync connection state against a real PostgreSQL: a {@code pos} sent back acknowledges that response, so a
 * retried {@code pos} starts from what the client had then, however many answers were given (and lost) since, and a
 * {@code pos} belongs to one device's connection.
 */
class PostgresSlidingSyncConnectionsIT {
    private static SlidingSyncConnections connections;

    @BeforeAll
    static void migrate() {
        connections = new PostgresSlidingSyncConnections(TestInfra.migrated("syncapi"));
    }

    private static String user() {
        return "@" + UUID.randomUUID().toString().substring(0, 8) + ":example.org";
    }

    private static SentRoom room(String roomId, long sentThrough) {
        return new SentRoom(roomId, sentThrough, sentThrough + 100, "join", 1, "[]", Map.of());
    }

    private static Position resume(String user, long pos) {
        return connections.resume(user, "PHONE", "room-list", pos, 5).block().orElseThrow();
    }

    @Test
    void aRetriedPosStartsFromWhatTheClientHadThen() {
        String user = user();
        long connection = connections.begin(user, "PHONE", "room-list", 1).block();
        long first = connections
                .record(connection, 0, "s10_0", "{}", List.of(room("!a:x", 10), room("!b:x", 10)), 2)
                .block();
        assertThat(resume(user, first).rooms()).containsOnlyKeys("!a:x", "!b:x");

        // Two answers from `first`: the first is lost (or its request cancelled), the client retries with `first`.
        long lost = connections
                .record(connection, first, "s12_0", "{}", List.of(room("!a:x", 12)), 3)
                .block();
        Position retried = resume(user, first);
        assertThat(retried.syncToken()).isEqualTo("s10_0");
        assertThat(retried.rooms().get("!a:x").sentThrough()).isEqualTo(10);
        assertThat(connections.resume(user, "PHONE", "room-list", lost, 5).block())
                .isEmpty();

        long second = connections
                .record(connection, first, "s13_0", "{\"all\":{\"count\":2}}", List.of(room("!a:x", 13)), 4)
                .block();
        Position now = resume(user, second);
        assertThat(now.listCounts()).isEqualTo("{\"all\":{\"count\":2}}");
        assertThat(now.rooms().get("!a:x").sentThrough()).isEqualTo(13);
        assertThat(now.rooms().get("!b:x").sentThrough()).isEqualTo(10);
        // Acknowledging `second` forgets `first`.
        assertThat(connections.resume(user, "PHONE", "room-list", first, 5).block())
                .isEmpty();
    }

    @Test
    void rowsOfASiblingAnswerTheClientDidNotTakeAreForgotten() {
        String user = user();
        long connection = connections.begin(user, "PHONE", "room-list", 1).block();
        long first = connections
                .record(connection, 0, "s10_0", "{}", List.of(room("!a:x", 10)), 2)
                .block();
        resume(user, first);
        // Two requests from `first` at once (a long-poll, and the request that replaced it): the first to answer
        // sent room X, the client took the other one, which did not.
        connections
                .record(connection, first, "s12_0", "{}", List.of(room("!x:x", 12)), 3)
                .block();
        long taken = connections
                .record(connection, first, "s12_0", "{}", List.of(room("!a:x", 12)), 4)
                .block();
        Position now = resume(user, taken);
        assertThat(now.rooms()).containsOnlyKeys("!a:x");
        assertThat(now.rooms().get("!a:x").sentThrough()).isEqualTo(12);
    }

    @Test
    void anAnswerToAConnectionBegunAnewIsNotRecorded() {
        String user = user();
        long old = connections.begin(user, "PHONE", "room-list", 1).block();
        connections.begin(user, "PHONE", "room-list", 2).block();
        assertThat(connections
                        .record(old, 0, "s1", "{}", List.of(room("!a:x", 1)), 3)
                        .blockOptional())
                .isEmpty();
    }

    @Test
    void aPosBelongsToOneDevicesConnectionAndANewConnectionEndsTheOld() {
        String user = user();
        long connection = connections.begin(user, "PHONE", "room-list", 1).block();
        long pos = connections.record(connection, 0, "s1", "{}", List.of(), 2).block();
        assertThat(connections.resume(user, "LAPTOP", "room-list", pos, 5).block())
                .isEmpty();
        assertThat(connections.resume(user, "PHONE", "encryption", pos, 5).block())
                .isEmpty();
        assertThat(connections.resume(user(), "PHONE", "room-list", pos, 5).block())
                .isEmpty();
        assertThat(connections.resume(user, "PHONE", "room-list", pos, 5).block())
                .map(Position::pos)
                .isEqualTo(Optional.of(pos));

        connections.begin(user, "PHONE", "room-list", 3).block();
        assertThat(connections.resume(user, "PHONE", "room-list", pos, 5).block())
                .isEmpty();
    }

    @Test
    void whatARoomsExtensionsAreBehindOnIsKept() {
        String user = user();
        long connection = connections.begin(user, "PHONE", "room-list", 1).block();
        SentRoom behind = room("!a:x", 10).withExtensionsBehind(Map.of("RECEIPTS", 7L, "TYPING", 0L));
        long pos = connections
                .record(connection, 0, "s10_0", "{}", List.of(behind, room("!b:x", 10)), 2)
                .block();
        Position now = resume(user, pos);
        assertThat(now.rooms().get("!a:x").extensionsBehind()).isEqualTo(Map.of("RECEIPTS", 7L, "TYPING", 0L));
        assertThat(now.rooms().get("!b:x").extensionsBehind()).isEmpty();
        assertThat(now.rooms().get("!b:x").countsThrough()).isEqualTo(110);
    }

    @Test
    void aDeletedDevicesConnectionsAreDeleted() {
        String user = user();
        long phone = connections.begin(user, "PHONE", "room-list", 1).block();
        long phonePos = connections
                .record(phone, 0, "s1", "{}", List.of(room("!a:x", 1)), 2)
                .block();
        long laptop = connections.begin(user, "LAPTOP", "room-list", 1).block();
        long laptopPos = connections.record(laptop, 0, "s1", "{}", List.of(), 2).block();

        assertThat(connections.deleteDevices(user, List.of("PHONE", "TABLET")).block())
                .isEqualTo(1);
        assertThat(connections.resume(user, "PHONE", "room-list", phonePos, 3).block())
                .isEmpty();
        assertThat(connections.resume(user, "LAPTOP", "room-list", laptopPos, 3).block())
                .isPresent();
    }

    @Test
    void connectionsIdleSinceBeforeTheCutOffAreDeletedAndAResumeCountsAsUse() {
        String idle = user();
        String active = user();
        long idleConnection =
                connections.begin(idle, "PHONE", "room-list", 1_000).block();
        long idlePos = connections
                .record(idleConnection, 0, "s1", "{}", List.of(), 1_000)
                .block();
        long activeConnection =
                connections.begin(active, "PHONE", "room-list", 1_000).block();
        long activePos = connections
                .record(activeConnection, 0, "s1", "{}", List.of(), 1_000)
                .block();
        // A long-poll that found nothing new records no position, but the request still used the connection.
        connections.resume(active, "PHONE", "room-list", activePos, 5_000).block();

        connections.deleteIdle(3_000).block();

        assertThat(connections
                        .resume(idle, "PHONE", "room-list", idlePos, 6_000)
                        .block())
                .isEmpty();
        assertThat(connections
                        .resume(active, "PHONE", "room-list", activePos, 6_000)
                        .block())
                .isPresent();
    }
}
