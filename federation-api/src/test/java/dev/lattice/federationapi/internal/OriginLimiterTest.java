package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class OriginLimiterTest {
    private static final ServerName BUSY = ServerName.parse("busy.test");
    private static final ServerName OTHER = ServerName.parse("other.test");

    private final OriginLimiter limiter = new OriginLimiter(2, 2);
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final List<Object> results = new CopyOnWriteArrayList<>();

    /** Starts a request whose work runs until {@code done} completes; what it ends with lands in results. */
    private Disposable request(ServerName origin, String name, Sinks.Empty<Void> done) {
        return limiter.limit(origin, () -> {
                    started.add(name);
                    return done.asMono().thenReturn(name);
                })
                .subscribe(results::add, results::add);
    }

    @Test
    void anOriginHasAtMostItsSlotsAtOnceTheRestWaitInOrderAndBeyondTheQueueIsRefused() {
        List<Sinks.Empty<Void>> work = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            work.add(Sinks.empty());
            request(BUSY, "r" + i, work.get(i));
        }
        assertThat(started).containsExactly("r0", "r1");
        assertThat(results).singleElement().isInstanceOfSatisfying(MatrixException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
            assertThat(e.retryAfterMs()).hasValue(OriginLimiter.RETRY_AFTER_MS);
        });

        Sinks.Empty<Void> other = Sinks.empty();
        request(OTHER, "o0", other);
        assertThat(started).as("another server is not held up").contains("o0");

        work.get(1).tryEmitEmpty();
        assertThat(started).containsExactly("r0", "r1", "o0", "r2");
        work.get(0).tryEmitEmpty();
        assertThat(started).endsWith("r2", "r3");
        work.forEach(Sinks.Empty::tryEmitEmpty);
        other.tryEmitEmpty();
        assertThat(results).contains("r0", "r1", "r2", "r3", "o0");
        assertThat(limiter.inFlight(BUSY)).isZero();
        assertThat(limiter.inFlight(OTHER)).isZero();
    }

    @Test
    void aWaitingRequestThatGoesAwayGivesUpItsPlaceAndAFailedOneItsSlot() {
        Sinks.Empty<Void> first = Sinks.empty();
        Sinks.Empty<Void> second = Sinks.empty();
        request(BUSY, "r0", first);
        request(BUSY, "r1", second);
        Disposable gone = request(BUSY, "r2", Sinks.empty());
        assertThat(limiter.inFlight(BUSY)).isEqualTo(3);
        gone.dispose();
        assertThat(limiter.inFlight(BUSY)).isEqualTo(2);

        first.tryEmitError(new IllegalStateException("handler failed"));
        second.tryEmitEmpty();
        assertThat(started).containsExactly("r0", "r1");
        assertThat(limiter.inFlight(BUSY)).isZero();
        assertThat(limiter.limit(BUSY, () -> Mono.just("again")).block()).isEqualTo("again");
    }
}
