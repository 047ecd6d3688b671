package dev.lattice.clientapi.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Runs the sends of one room one after another, in the order they arrive; sends to different rooms run side by side.
 *
 * <p>Why: an event is built on the room's forward extremities of the moment. Two sends into one room built at the
 * same time name the same prev event, so the room's history forks and the roomserver must resolve the two states
 * (in a room of thousands of members, each resolution walks their whole state). Waiting for the previous event's
 * verdict before building the next keeps a busy room's history a line. Synapse limits this too (its
 * {@code room_event_creation_limit}); each client-api process does it for its own sends, so several processes
 * sending into one room may still fork it, which is correct, only slower.
 */
public final class RoomTurns {
    /** The turn that finishes last so far, per room; removed by that turn when it ends. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> lastTurns = new ConcurrentHashMap<>();

    /**
     * {@code task}, subscribed once every task given before for {@code roomId} has ended (succeeded, failed or was
     * cancelled while it ran). A task whose caller goes away while it waits ends its turn when its predecessor ends
     * its own, so the order still holds for the tasks after it.
     */
    public <T> Mono<T> inTurn(String roomId, Mono<T> task) {
        return Mono.defer(() -> {
            CompletableFuture<Void> turn = new CompletableFuture<>();
            CompletableFuture<Void> previous = lastTurns.put(roomId, turn);
            CompletableFuture<Void> ready = previous == null ? CompletableFuture.completedFuture(null) : previous;
            // The future is shared with the next task: cancelling this one must not cancel it.
            return Mono.fromFuture(ready, true)
                    .then(task)
                    .doFinally(signal -> ready.whenComplete((unused, error) -> {
                        lastTurns.remove(roomId, turn);
                        turn.complete(null);
                    }));
        });
    }

    /** How many rooms have a turn running or waiting: for tests, which check that ended turns are forgotten. */
    int roomsInUse() {
        return lastTurns.size();
    }
}
