package dev.lattice.roomserver.internal.input;

import dev.lattice.api.roomserver.InputVerdict;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The inputs this instance waits for, by request ID, completed as their verdicts arrive on the bus; and this
 * instance's reply address, a random ID per process.
 */
public final class PendingVerdicts {
    private final String instanceId = UUID.randomUUID().toString();
    private final Map<String, Sinks.One<InputVerdict>> waiting = new ConcurrentHashMap<>();

    /** This process's reply address: the key of the verdicts meant for it. */
    public String instanceId() {
        return instanceId;
    }

    /** Registers {@code requestId} before its input is published, so an early verdict is not lost. */
    Mono<InputVerdict> register(String requestId) {
        Sinks.One<InputVerdict> sink = Sinks.one();
        if (waiting.putIfAbsent(requestId, sink) != null) {
            throw new IllegalStateException("request " + requestId + " is already waiting");
        }
        return sink.asMono();
    }

    void forget(String requestId) {
        waiting.remove(requestId);
    }

    /** Completes the wait for the verdict's request; a verdict nobody waits for (any more) is dropped. */
    public void complete(InputVerdict verdict) {
        if (verdict.requestId() == null) {
            return;
        }
        Sinks.One<InputVerdict> sink = waiting.remove(verdict.requestId());
        if (sink != null) {
            sink.tryEmitValue(verdict);
        }
    }

    /** How many requests wait; for tests and metrics. */
    public int size() {
        return waiting.size();
    }
}
