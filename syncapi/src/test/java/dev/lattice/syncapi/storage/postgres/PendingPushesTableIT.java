package dev.lattice.syncapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.syncapi.storage.PendingPush;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.testing.TestInfra;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code syncapi.pending_pushes} through {@link SyncApiDatabase}, against a real PostgreSQL: pushes queued with their
 * push actions exactly once, and claimed under a lease that a dead deliverer gives back. Times are explicit (ms), far
 * before any real row's, so other tests' rows are never due here.
 */
class PendingPushesTableIT {
    private static final String NOTIFY = "[\"notify\"]";
    private static final String HIGHLIGHT = "[\"notify\",{\"set_tweak\":\"highlight\"}]";
    private static SyncApiDatabase database;

    @BeforeAll
    static void migrate() {
        database = new PostgresSyncApiDatabase(TestInfra.migrated("syncapi"));
    }

    private static String newId(String sigil) {
        return sigil + UUID.randomUUID().toString().substring(0, 8) + (sigil.equals("$") ? "" : ":example.org");
    }

    private static List<PendingPush> claim(String eventId, long now, long leaseEnd) {
        return database.claimPendingPushes(now, leaseEnd, 1000).block().stream()
                .filter(push -> push.eventId().equals(eventId))
                .toList();
    }

    private static void store(String eventId, String roomId, List<String> users, long now) {
        store(eventId, roomId, users, List.of(NOTIFY, HIGHLIGHT), List.of(true, true), now);
    }

    private static void store(
            String eventId, String roomId, List<String> users, List<String> actions, List<Boolean> queued, long now) {
        database.storePushActions(
                        eventId,
                        roomId,
                        1,
                        new SyncApiDatabase.PushActionRows("", users, List.of(false, true), actions, queued, now))
                .block();
    }

    @Test
    void aPushIsQueuedOnlyForAMemberWithAPusherWhileBothAreCounted() {
        String event = newId("$");
        String room = newId("!");
        String withPusher = newId("@");
        String without = newId("@");

        store(event, room, List.of(withPusher, without), List.of(NOTIFY, NOTIFY), List.of(true, false), 1000);

        assertThat(claim(event, 1000, 61_000)).containsExactly(new PendingPush(event, withPusher, room, NOTIFY, 1));
        for (String user : List.of(withPusher, without)) {
            assertThat(database.unreadCounts(user, List.of(room))
                            .block()
                            .get(room)
                            .total()
                            .notifications())
                    .as("%s's unread notifications", user)
                    .isEqualTo(1L);
        }
    }

    @Test
    void pushesAreQueuedOnceWithTheirActionsAndAReplayQueuesNothingAgain() {
        String event = newId("$");
        String room = newId("!");
        String alice = newId("@");
        String bob = newId("@");

        store(event, room, List.of(alice, bob), 1000);
        store(event, room, List.of(alice, bob), 1000); // a replay of the same record

        List<PendingPush> claimed = claim(event, 1000, 61_000);
        assertThat(claimed)
                .containsExactlyInAnyOrder(
                        new PendingPush(event, alice, room, NOTIFY, 1),
                        new PendingPush(event, bob, room, HIGHLIGHT, 1));

        // Delivered: gone; and a replay after delivery queues nothing, because the push actions are already stored.
        database.deletePendingPush(event, alice).block();
        database.deletePendingPush(event, bob).block();
        store(event, room, List.of(alice, bob), 1000);
        assertThat(claim(event, 100_000, 161_000)).isEmpty();
    }

    @Test
    void aClaimHoldsAPushUntilItsLeaseEndsOrItIsDeferred() {
        String event = newId("$");
        String room = newId("!");
        String alice = newId("@");
        String bob = newId("@");
        store(event, room, List.of(alice, bob), 2000);

        assertThat(claim(event, 1999, 10_000)).as("not due yet").isEmpty();
        assertThat(claim(event, 2000, 10_000)).hasSize(2);
        assertThat(claim(event, 5000, 15_000)).as("held by the first claim").isEmpty();

        // Alice's push failed for now: due again at 7000. Bob's deliverer died: his comes back when the lease ends.
        database.deferPendingPush(event, alice, 7000).block();
        assertThat(claim(event, 6999, 20_000)).isEmpty();
        assertThat(claim(event, 7000, 20_000)).containsExactly(new PendingPush(event, alice, room, NOTIFY, 2));
        assertThat(claim(event, 10_000, 20_000)).containsExactly(new PendingPush(event, bob, room, HIGHLIGHT, 2));
    }
}
