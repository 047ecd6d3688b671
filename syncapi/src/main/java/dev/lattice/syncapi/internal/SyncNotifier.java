package dev.lattice.syncapi.internal;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * Wakes long-polling {@code /sync} requests when something for their user was committed. In-memory and per
 * process: each syncapi process is told by its own consumers (see {@code syncapi/README.md} for several processes).
 *
 * <p>It remembers, per user, the newest position it was told about in each stream, which closes the race between a
 * request reading the database at positions {@code p} and starting to wait:
 *
 * <pre>{@code
 * SyncToken p = ...;                             // read every stream's position; compute the response at p: empty
 * notifier.awaitChange(user, p)                  // completes at once if something after p was already signalled
 *         .timeout(remaining)                    // else on the next signal for user
 * }</pre>
 */
public final class SyncNotifier {

    /** A user's newest signalled positions and the future that the next signal completes. */
    private static final class UserSignal {
        private long events = Long.MIN_VALUE;
        private long accountData = Long.MIN_VALUE;
        private long toDevice = Long.MIN_VALUE;
        private CompletableFuture<Void> next = new CompletableFuture<>();
    }

    private final ConcurrentHashMap<String, UserSignal> users = new ConcurrentHashMap<>();

    /** Signals that events at {@code position} concern these users. Call after the commit. */
    public void notifyEvents(Collection<String> userIds, long position) {
        for (String userId : userIds) {
            signal(userId, s -> s.events = Math.max(s.events, position));
        }
    }

    /** Signals that the user's account data changed at account data stream {@code position}. Call after the commit. */
    public void notifyAccountData(String userId, long position) {
        signal(userId, s -> s.accountData = Math.max(s.accountData, position));
    }

    /** Signals that a to-device message for one of the user's devices is at {@code position}. Call after the commit. */
    public void notifyToDevice(String userId, long position) {
        signal(userId, s -> s.toDevice = Math.max(s.toDevice, position));
    }

    private void signal(String userId, Consumer<UserSignal> update) {
        UserSignal signal = users.computeIfAbsent(userId, id -> new UserSignal());
        CompletableFuture<Void> waiting;
        synchronized (signal) {
            update.accept(signal);
            waiting = signal.next;
            signal.next = new CompletableFuture<>();
        }
        waiting.complete(null);
    }

    /** Completes once something after {@code after} was signalled for the user (at once if it already was). */
    public Mono<Void> awaitChange(String userId, SyncToken after) {
        UserSignal signal = users.computeIfAbsent(userId, id -> new UserSignal());
        CompletableFuture<Void> waiting;
        synchronized (signal) {
            if (signal.events > after.events()
                    || signal.accountData > after.accountData()
                    || signal.toDevice > after.toDevice()) {
                return Mono.empty();
            }
            waiting = signal.next;
        }
        // Cancelling one waiter (its timeout) must not cancel the shared future the others wait on.
        return Mono.fromFuture(waiting, true);
    }

    /**
     * How many long-polls of the user wait for their next signal now: an estimate, as
     * {@link CompletableFuture#getNumberOfDependents} is, for monitoring and for tests that must know a request waits.
     */
    public int waiting(String userId) {
        UserSignal signal = users.get(userId);
        if (signal == null) {
            return 0;
        }
        synchronized (signal) {
            return signal.next.getNumberOfDependents();
        }
    }
}
