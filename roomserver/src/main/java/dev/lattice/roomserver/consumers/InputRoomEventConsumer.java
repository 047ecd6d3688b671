package dev.lattice.roomserver.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
import dev.lattice.api.roomserver.InputOutliers;
import dev.lattice.api.roomserver.InputRoomEvent;
import dev.lattice.api.roomserver.InputVerdict;
import dev.lattice.api.roomserver.PartialStateCompletion;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.roomserver.internal.input.InputPipeline;
import dev.lattice.roomserver.internal.input.PendingVerdicts;
import dev.lattice.roomserver.producers.VerdictProducer;
import dev.lattice.runtime.bus.Bus;
import dev.lattice.runtime.bus.BusConsumer;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientException;
import java.util.List;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The consumer of {@code roomserver.input} (consumer group {@code roomserver}): records are keyed by room ID and the
 * bus handles one record of a key at a time, so one event of a room at a time (rooms side by side). Each input is
 * decided and committed, its {@code roomserver.output} records published by the outbox (or, if the broker failed
 * right then, left to the outbox's sweeper), and only then the verdict published (or, to a caller in this process,
 * handed over): a caller told "accepted" can rely on it.
 *
 * <p>Acks: a record that cannot be decoded is poison (parked). A database or broker failure is retried
 * ({@link RetriableException}); since a decided event is recognised by its ID, the retry answers the same verdict. Any
 * other failure is a bug on this input: the waiting caller gets {@code M_UNKNOWN} and the record is parked.
 */
public final class InputRoomEventConsumer implements AutoCloseable {
    public static final String GROUP = "roomserver";

    private final InputPipeline pipeline;
    private final VerdictProducer verdicts;
    private final PendingVerdicts local;
    private BusConsumer consumer;

    /** @param local the waits of this process, whose verdicts are handed over in-process rather than published */
    public InputRoomEventConsumer(InputPipeline pipeline, VerdictProducer verdicts, PendingVerdicts local) {
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.verdicts = requireNonNull(verdicts, "verdicts is null");
        this.local = requireNonNull(local, "local is null");
    }

    public synchronized InputRoomEventConsumer start(Bus bus) {
        consumer = bus.subscribe(GROUP, List.of(Topics.ROOMSERVER_INPUT), this::handle);
        return this;
    }

    Mono<Void> handle(BusRecord record) {
        JsonNode tree = BusJson.tree(record.payload());
        if (tree.has(InputOutliers.DISCRIMINATOR)) {
            InputOutliers batch = BusJson.decode(tree, InputOutliers.class);
            requireVersion(batch.version());
            return decided(record, batch.replyTo(), batch.requestId(), pipeline.processOutliers(batch));
        }
        if (tree.has(PartialStateCompletion.DISCRIMINATOR)) {
            PartialStateCompletion completion = BusJson.decode(tree, PartialStateCompletion.class);
            requireVersion(completion.version());
            return decided(
                    record, completion.replyTo(), completion.requestId(), pipeline.completePartialState(completion));
        }
        InputRoomEvent input = BusJson.decode(tree, InputRoomEvent.class);
        requireVersion(input.version());
        return decided(record, input.replyTo(), input.requestId(), pipeline.process(input));
    }

    private static void requireVersion(int version) {
        if (version != InputRoomEvent.VERSION) {
            throw new IllegalArgumentException("unknown roomserver input version " + version);
        }
    }

    /** The verdict to whoever waits for it ({@code replyTo}), with the acks of the class comment. */
    private Mono<Void> decided(BusRecord record, String replyTo, String requestId, Mono<InputVerdict> decision) {
        return decision.flatMap(verdict -> reply(replyTo, verdict))
                .onErrorMap(
                        InputRoomEventConsumer::isTransient,
                        e -> new RetriableException("roomserver input " + record.offset() + " failed", e))
                .onErrorResume(
                        e -> !(e instanceof RetriableException),
                        e -> reply(
                                        replyTo,
                                        InputVerdict.rejected(
                                                requestId,
                                                null,
                                                ErrorCode.UNKNOWN,
                                                "the roomserver failed on this event"))
                                .then(Mono.error(e)));
    }

    /**
     * A caller in this process (the all-in-one's client-api, or this instance's own) is answered directly, at the
     * point where the verdict would be published: the topic is only its way back, so a produce and every instance's
     * fetch less per input. Others get it on {@code roomserver.verdicts}.
     */
    private Mono<Void> reply(String replyTo, InputVerdict verdict) {
        if (replyTo == null) {
            return Mono.empty();
        }
        if (replyTo.equals(local.instanceId())) {
            return Mono.fromRunnable(() -> local.complete(verdict));
        }
        return verdicts.publish(replyTo, verdict);
    }

    /** Failures that may pass on a retry: the database or the broker away, or a concurrent writer of the room. */
    static boolean isTransient(Throwable e) {
        return e instanceof RetriableException
                || e instanceof TransientDataAccessException
                || e instanceof DataAccessResourceFailureException
                || e instanceof DataIntegrityViolationException
                || e instanceof R2dbcTransientException
                || e instanceof R2dbcNonTransientResourceException
                || (e instanceof R2dbcException r
                        && r.getSqlState() != null
                        && r.getSqlState().startsWith("08"))
                || e instanceof java.io.IOException;
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }
}
