package dev.lattice.syncapi.internal;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Wakes long-polling {@code /sync} requests when something for their user was committed. In-memory and per
 * process: each syncapi process is told by its own consumer (see {@code syncapi/README.md} for several processes).
 *
 * <p>It remembers, per user, the newest position it was told about, which closes the race between a request
 * reading the database at position {@code p} and starting to wait:
 *
 * <pre>{@code
 * long p = database.currentPosition();           // compute the response at p: empty
 * notifier.awaitChange(user, p)                  // completes at once if p+1.. was already signalled for user
 *         .timeout(remaining)                    // else on the next signal for user
 * }</pre>
 */
public final class SyncNotifier {

    /** A user's newest signalled position and the future that the next signal completes. */
    private static final class UserSignal {
        private long position = Long.MIN_VALUE;
        private CompletableFuture<Void> next = new CompletableFuture<>();
    }

    private final ConcurrentHashMap<String, UserSignal> users = new ConcurrentHashMap<>();

    /** Signals that events at {@code position} concern these users. Call after the commit. */
    public void notify(Collection<String> userIds, long position) {
        for (String userId : userIds) {
            UserSignal signal = users.computeIfAbsent(userId, id -> new UserSignal());
            CompletableFuture<Void> waiting;
            synchronized (signal) {
                signal.position = Math.max(signal.position, position);
                waiting = signal.next;
                signal.next = new CompletableFuture<>();
            }
            waiting.complete(null);
        }
    }

    /** Completes once something after {@code afterPosition} was signalled for the user (at once if it already was). */
    public Mono<Void> awaitChange(String userId, long afterPosition) {
        UserSignal signal = users.computeIfAbsent(userId, id -> new UserSignal());
        CompletableFuture<Void> waiting;
        synchronized (signal) {
            if (signal.position > afterPosition) {
                return Mono.empty();
            }
            waiting = signal.next;
        }
        // Cancelling one waiter (its timeout) must not cancel the shared future the others wait on.
        return Mono.fromFuture(waiting, true);
    }
}
