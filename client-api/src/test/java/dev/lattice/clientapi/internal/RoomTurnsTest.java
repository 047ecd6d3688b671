package dev.lattice.clientapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class RoomTurnsTest {
    private final RoomTurns turns = new RoomTurns();
    private final List<String> started = new CopyOnWriteArrayList<>();

    /** A task that notes its start and ends when {@code end} is emitted to. */
    private Mono<String> task(String name, Sinks.One<String> end) {
        return Mono.defer(() -> {
            started.add(name);
            return end.asMono();
        });
    }

    @Test
    void aRoomsTasksRunOneAfterAnotherInTheOrderGiven() {
        Sinks.One<String> first = Sinks.one();
        Sinks.One<String> second = Sinks.one();
        Sinks.One<String> third = Sinks.one();
        List<String> answers = new CopyOnWriteArrayList<>();
        turns.inTurn("!a:x", task("first", first)).subscribe(answers::add);
        turns.inTurn("!a:x", task("second", second)).subscribe(answers::add);
        turns.inTurn("!a:x", task("third", third)).subscribe(answers::add);
        assertThat(started).containsExactly("first");

        first.tryEmitValue("1");
        assertThat(started).containsExactly("first", "second");
        second.tryEmitValue("2");
        third.tryEmitValue("3");
        assertThat(started).containsExactly("first", "second", "third");
        assertThat(answers).containsExactly("1", "2", "3");
        assertThat(turns.roomsInUse()).isZero();
    }

    @Test
    void otherRoomsDoNotWait() {
        turns.inTurn("!a:x", task("a", Sinks.one())).subscribe();
        turns.inTurn("!b:x", task("b", Sinks.one())).subscribe();
        assertThat(started).containsExactly("a", "b");
        assertThat(turns.roomsInUse()).isEqualTo(2);
    }

    @Test
    void aFailedTaskEndsItsTurn() {
        Sinks.One<String> failing = Sinks.one();
        AtomicBoolean failed = new AtomicBoolean();
        turns.inTurn("!a:x", task("failing", failing)).subscribe(value -> {}, error -> failed.set(true));
        turns.inTurn("!a:x", task("next", Sinks.one())).subscribe();
        failing.tryEmitError(new IllegalStateException("refused"));
        assertThat(failed).isTrue();
        assertThat(started).containsExactly("failing", "next");
    }

    @Test
    void aTaskWhoseCallerLeftWhileWaitingNeverRunsAndTheOrderHolds() {
        Sinks.One<String> running = Sinks.one();
        turns.inTurn("!a:x", task("running", running)).subscribe();
        Disposable gone = turns.inTurn("!a:x", task("gone", Sinks.one())).subscribe();
        turns.inTurn("!a:x", task("after", Sinks.one())).subscribe();

        gone.dispose();
        assertThat(started).containsExactly("running"); // "after" still waits for the running task
        running.tryEmitValue("done");
        assertThat(started).containsExactly("running", "after");
    }

    @Test
    void aTaskCancelledWhileRunningEndsItsTurn() {
        Disposable cancelled =
                turns.inTurn("!a:x", task("cancelled", Sinks.one())).subscribe();
        turns.inTurn("!a:x", task("next", Sinks.one())).subscribe();
        cancelled.dispose();
        assertThat(started).containsExactly("cancelled", "next");
    }
}
