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

    private static boolean completesAtOnce(SyncNotifier notifier, String user, SyncToken after) {
        return notifier.awaitChange(user, after).toFuture().isDone();
    }
}
