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
        notifier.notifyEvents(List.of("@a:x"), 5);
        notifier.notifyAccountData("@b:x", 3);
        assertThat(completesAtOnce(notifier, "@a:x", new SyncToken(4, 0))).isTrue();
        assertThat(completesAtOnce(notifier, "@a:x", new SyncToken(5, 0))).isFalse();
        assertThat(completesAtOnce(notifier, "@b:x", new SyncToken(100, 2))).isTrue();
        assertThat(completesAtOnce(notifier, "@b:x", new SyncToken(100, 3))).isFalse();
    }

    @Test
    void aWaiterIsWokenByAnAccountDataSignalForItsUserOnly() {
        SyncNotifier notifier = new SyncNotifier();
        CompletableFuture<Void> waiting =
                notifier.awaitChange("@a:x", new SyncToken(1, 1)).toFuture();
        notifier.notifyAccountData("@b:x", 2);
        assertThat(waiting).isNotDone();
        notifier.notifyAccountData("@a:x", 2);
        assertThat(waiting).succeedsWithin(Duration.ofSeconds(5));
    }

    private static boolean completesAtOnce(SyncNotifier notifier, String user, SyncToken after) {
        return notifier.awaitChange(user, after).toFuture().isDone();
    }
}
