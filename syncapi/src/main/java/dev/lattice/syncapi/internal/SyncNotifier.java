package dev.lattice.syncapi.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
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

    /** A user's newest signalled position in each stream and the future that the next signal completes. */
    private static final class UserSignal {
        private final long[] newest = new long[SyncStream.values().length];
        private CompletableFuture<Void> next = new CompletableFuture<>();

        UserSignal() {
            Arrays.fill(newest, Long.MIN_VALUE);
        }
    }

    private final ConcurrentHashMap<String, UserSignal> users = new ConcurrentHashMap<>();
    /** The newest position signalled in each stream, for anyone (or for no one: a change that concerned nobody). */
    private final AtomicLongArray newest = new AtomicLongArray(SyncStream.values().length);
    /** Null, or the positions from which this notifier is told of every change (see {@link #hearsAllFrom}). */
    private volatile SyncToken hearsAllFrom;

    /**
     * Declares that from these positions on, every change to the streams is signalled here: this process is the only
     * one storing them (the all-in-one). {@link #nothingSince} answers only after this.
     */
    public void hearsAllFrom(SyncToken positions) {
        hearsAllFrom = positions;
    }

    /**
     * Whether nothing after {@code since} can concern the user, known without reading the database: this notifier is
     * told of every change ({@link #hearsAllFrom}) since before {@code since}, has been told of changes up to
     * {@code since} in every stream (a position it never heard of may be stored and not yet signalled), and signalled
     * nothing after it for the user. A change committed and not yet signalled is signalled moments later, which wakes
     * the request waiting on {@link #awaitChange}.
     */
    public boolean nothingSince(String userId, SyncToken since) {
        SyncToken from = hearsAllFrom;
        if (from == null) {
            return false;
        }
        UserSignal signal = users.get(userId);
        for (SyncStream stream : SyncStream.values()) {
            long position = since.position(stream);
            long heardFrom = from.position(stream);
            if (position < heardFrom || position > Math.max(heardFrom, newest.get(stream.ordinal()))) {
                return false;
            }
            if (signal != null) {
                synchronized (signal) {
                    if (signal.newest[stream.ordinal()] > position) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Signals that something in {@code stream} at {@code position} concerns these users. Call after the commit. */
    public void notify(SyncStream stream, Collection<String> userIds, long position) {
        newest.accumulateAndGet(stream.ordinal(), position, Math::max);
        for (String userId : userIds) {
            notify(stream, userId, position);
        }
    }

    /** Signals that something in {@code stream} at {@code position} concerns the user. Call after the commit. */
    public void notify(SyncStream stream, String userId, long position) {
        newest.accumulateAndGet(stream.ordinal(), position, Math::max);
        UserSignal signal = users.computeIfAbsent(userId, id -> new UserSignal());
        CompletableFuture<Void> waiting;
        synchronized (signal) {
            int index = stream.ordinal();
            signal.newest[index] = Math.max(signal.newest[index], position);
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
            for (SyncStream stream : SyncStream.values()) {
                if (signal.newest[stream.ordinal()] > after.position(stream)) {
                    return Mono.empty();
                }
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
