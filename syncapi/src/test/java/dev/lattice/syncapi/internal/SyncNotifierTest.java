package dev.lattice.syncapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SyncNotifierTest {

    @Test
    void aSignalInEitherStreamAfterTheReadPositionsCompletesAtOnce() {
        SyncNotifier notifier = new SyncNotifier();
        notifier.notify(SyncStream.EVENTS, List.of("@a:x"), 5);
        notifier.notify(SyncStream.ACCOUNT_DATA, "@b:x", 3);
        assertThat(completesAtOnce(notifier, "@a:x", SyncToken.of(4, 0))).isTrue();
        assertThat(completesAtOnce(notifier, "@a:x", SyncToken.of(5, 0))).isFalse();
        assertThat(completesAtOnce(notifier, "@b:x", SyncToken.of(100, 2))).isTrue();
        assertThat(completesAtOnce(notifier, "@b:x", SyncToken.of(100, 3))).isFalse();
    }

    @Test
    void aWaiterIsWokenByAnAccountDataSignalForItsUserOnly() {
        SyncNotifier notifier = new SyncNotifier();
        CompletableFuture<Void> waiting =
                notifier.awaitChange("@a:x", SyncToken.of(1, 1)).toFuture();
        notifier.notify(SyncStream.ACCOUNT_DATA, "@b:x", 2);
        assertThat(waiting).isNotDone();
        notifier.notify(SyncStream.ACCOUNT_DATA, "@a:x", 2);
        assertThat(waiting).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void nothingSinceIsKnownOnlyWhenTheNotifierHearsEveryChangeSinceBeforeTheToken() {
        SyncNotifier notifier = new SyncNotifier();
        assertThat(notifier.nothingSince("@a:x", SyncToken.of(10, 2)))
                .as("told of nothing: another process may store changes")
                .isFalse();

        notifier.hearsAllFrom(SyncToken.of(10, 2));
        assertThat(notifier.nothingSince("@a:x", SyncToken.of(10, 2))).isTrue();
        assertThat(notifier.nothingSince("@a:x", SyncToken.of(9, 2)))
                .as("a token from before: changes stored before this notifier heard of them")
                .isFalse();
        assertThat(notifier.nothingSince("@a:x", SyncToken.of(11, 2)))
                .as("a position never signalled here: stored, maybe not signalled yet")
                .isFalse();

        notifier.notify(SyncStream.EVENTS, List.of("@b:x"), 11);
        assertThat(notifier.nothingSince("@a:x", SyncToken.of(11, 2)))
                .as("another user's change made position 11 known")
                .isTrue();
        assertThat(notifier.nothingSince("@a:x", SyncToken.of(10, 2)))
                .as("the change at 11 did not concern @a")
                .isTrue();
        assertThat(notifier.nothingSince("@b:x", SyncToken.of(10, 2))).isFalse();
        assertThat(notifier.nothingSince("@b:x", SyncToken.of(11, 2))).isTrue();

        notifier.notify(SyncStream.ACCOUNT_DATA, List.of(), 3);
        assertThat(notifier.nothingSince("@a:x", SyncToken.of(11, 3)))
                .as("a change that concerned no one still makes its position known")
                .isTrue();
    }

    private static boolean completesAtOnce(SyncNotifier notifier, String user, SyncToken after) {
        return notifier.awaitChange(user, after).toFuture().isDone();
    }
}
