package dev.lattice.roomserver.internal.input;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.InputOutliers;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.PartialStateCompletion;
import dev.lattice.api.roomserver.RoomserverInputApi;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.protocol.version.RoomVersionId;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusJson;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The caller's side of {@link RoomserverInputApi}: publishes inputs on {@code roomserver.input} and, for
 * {@link #inputRoomEvent}, waits for the verdict addressed to this instance on {@code roomserver.verdicts}. The same
 * path runs in one process and split: the roomserver instance that owns the room's partition decides.
 */
public final class InputSender implements RoomserverInputApi {
    /** The status of the timeout error: the roomserver is a gateway the client's request waited on. */
    static final int TIMEOUT_STATUS = 504;

    private final Bus bus;
    private final PendingVerdicts pending;
    private final Duration timeout;

    /**
     * @param pending the waits of this process, which the verdict consumer completes; it must be reading before the
     *     first call
     */
    public InputSender(Bus bus, PendingVerdicts pending, Duration timeout) {
        this.bus = requireNonNull(bus, "bus is null");
        this.pending = requireNonNull(pending, "pending is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    @Override
    public Mono<InputVerdict> inputRoomEvent(InputRoomEvent input) {
        return awaitVerdict(
                (replyTo, requestId) -> publish(input.roomId(), BusJson.encode(input.withReply(replyTo, requestId))));
    }

    @Override
    public Mono<Mono<InputVerdict>> submitRoomEvent(InputRoomEvent input) {
        return submit(
                (replyTo, requestId) -> publish(input.roomId(), BusJson.encode(input.withReply(replyTo, requestId))));
    }

    @Override
    public Mono<Set<EventId>> inputOutliers(
            RoomId roomId, RoomVersionId roomVersion, List<String> pdus, ServerName origin) {
        return Flux.fromIterable(SizedBatches.of(pdus, String::length, SizedBatches.MAX_CHARS))
                .concatMap(batch -> awaitVerdict((replyTo, requestId) -> publish(
                        roomId,
                        BusJson.encode(InputOutliers.of(roomId, roomVersion, batch, origin)
                                .withReply(replyTo, requestId)))))
                .flatMapIterable(verdict -> {
                    if (verdict.outcome() == InputVerdict.Outcome.REJECTED) {
                        throw new MatrixException(ErrorCode.of(verdict.errcode()), verdict.reason());
                    }
                    return verdict.held();
                })
                .collect(LinkedHashSet::new, Set::add);
    }

    @Override
    public Mono<InputVerdict> completePartialState(PartialStateCompletion completion) {
        return awaitVerdict((replyTo, requestId) ->
                publish(completion.roomId(), BusJson.encode(completion.withReply(replyTo, requestId))));
    }

    /** Publishes with a fresh reply address ({@code replyTo}, {@code requestId}) and waits for its verdict. */
    private Mono<InputVerdict> awaitVerdict(BiFunction<String, String, Mono<Void>> publishWithReply) {
        return submit(publishWithReply).flatMap(verdict -> verdict);
    }

    /**
     * Publishes with a fresh reply address and completes, once published, with the wait for its verdict. The
     * registration is dropped when the wait ends, or when the verdict arrives if nobody ever waits.
     */
    private Mono<Mono<InputVerdict>> submit(BiFunction<String, String, Mono<Void>> publishWithReply) {
        return Mono.defer(() -> {
            String requestId = UUID.randomUUID().toString();
            Mono<InputVerdict> verdict = pending.register(requestId);
            return publishWithReply
                    .apply(pending.instanceId(), requestId)
                    .doOnError(e -> pending.forget(requestId))
                    .doOnCancel(() -> pending.forget(requestId))
                    .thenReturn(verdict.timeout(timeout)
                            .onErrorMap(
                                    TimeoutException.class,
                                    e -> new MatrixException(
                                            ErrorCode.UNKNOWN,
                                            "roomserver did not answer in time",
                                            TIMEOUT_STATUS,
                                            JsonObject.EMPTY,
                                            e))
                            .doFinally(signal -> pending.forget(requestId)));
        });
    }

    private Mono<Void> publish(RoomId roomId, byte[] payload) {
        return bus.publish(Topics.ROOMSERVER_INPUT, roomId.value(), payload);
    }
}
