package dev.lattice.syncapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.api.clientapi.AccountDataEntry;
import dev.lattice.api.clientapi.ClientApiOutput;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import dev.lattice.syncapi.internal.SyncNotifier;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Consumes {@code clientapi.output} (consumer group {@code syncapi}) into the account data stream, then wakes the
 * user's {@code /sync} requests.
 *
 * <ul>
 *   <li>{@link AccountDataChanged}: "(user, room, type) changed" is recorded at a new account data stream position;
 *       the content stays in the client-api, which {@code /sync} asks. The client-api publishes before its write
 *       commits, so the consumer first waits (briefly, up to {@link #COMMIT_WAIT}) until the client-api serves that
 *       write or a newer one: otherwise a {@code /sync} woken by the record could read the old content and move its
 *       token past the change. A write that never shows (its transaction failed after publishing) is recorded after
 *       the wait anyway; the content is then unchanged, which is harmless. A record not newer (by
 *       {@code stream_id}) than one already recorded for the same (user, room, type) is a replay: it changes nothing
 *       and wakes nobody.
 *   <li>A type this service does not know, or a version newer than it understands, is logged and skipped, as
 *       {@link ClientApiOutput} asks; neither is an error.
 * </ul>
 * A record that is not JSON or does not decode is poison (thrown as is, so the bus parks it); database failures and
 * failures to reach the client-api are {@link RetriableException}s, retried until it is back.
 */
public final class ClientApiOutputConsumer {
    private static final Logger log = LoggerFactory.getLogger(ClientApiOutputConsumer.class);

    /** How long to wait for an announced write to commit before recording it anyway. */
    static final Duration COMMIT_WAIT = Duration.ofSeconds(5);

    private static final Duration COMMIT_POLL = Duration.ofMillis(50);

    private final SyncApiDatabase database;
    private final Supplier<UserApi> users;
    private final SyncNotifier notifier;

    /** @param users the client-api, to see the announced write committed; resolved on first use */
    public ClientApiOutputConsumer(SyncApiDatabase database, Supplier<UserApi> users, SyncNotifier notifier) {
        this.database = requireNonNull(database, "database is null");
        this.users = requireNonNull(users, "users is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> {
                    // Look at the envelope first: an unknown type must be skipped, not parked as undecodable.
                    JsonObject envelope = CanonicalJson.parseObject(record.payload());
                    String type = envelope.getString("type").orElse("");
                    long version = envelope.getInteger("version").orElse(0L);
                    if (!type.equals(AccountDataChanged.TYPE)) {
                        log.info("clientapi.output record of unknown type '{}' skipped", type);
                        return Mono.empty();
                    }
                    if (version > AccountDataChanged.VERSION) {
                        log.info(
                                "clientapi.output {} record of version {} (newer than {}) skipped",
                                type,
                                version,
                                AccountDataChanged.VERSION);
                        return Mono.empty();
                    }
                    return switch (BusJson.decode(record.payload(), ClientApiOutput.class)) {
                        case AccountDataChanged change -> onAccountDataChanged(change);
                    };
                })
                .onErrorMap(
                        RoomserverOutputConsumer::isTransient,
                        e -> new RetriableException("syncapi database: " + e.getMessage(), e));
    }

    private Mono<Void> onAccountDataChanged(AccountDataChanged change) {
        String user = change.userId().toString();
        return awaitCommitted(change)
                .then(database.storeAccountDataChange(
                        user, change.roomId().map(RoomId::toString), change.dataType(), change.streamId()))
                .doOnNext(position -> position.ifPresent(stored -> notifier.notifyAccountData(user, stored)))
                .then();
    }

    /** Completes once the client-api serves the announced write (or a newer one), or after {@link #COMMIT_WAIT}. */
    private Mono<Void> awaitCommitted(AccountDataChanged change) {
        long attempts = COMMIT_WAIT.toMillis() / COMMIT_POLL.toMillis();
        return Mono.defer(() -> users.get().queryAccountData(change.userId(), change.roomId(), change.dataType()))
                .flatMap(found -> found.map(AccountDataEntry::streamId).orElse(Long.MIN_VALUE) >= change.streamId()
                        ? Mono.<Void>empty()
                        : Mono.error(new NotCommittedYet()))
                .retryWhen(Retry.fixedDelay(attempts, COMMIT_POLL).filter(NotCommittedYet.class::isInstance))
                .onErrorResume(e -> Exceptions.isRetryExhausted(e) && e.getCause() instanceof NotCommittedYet, e -> {
                    log.warn(
                            "account data {} of {} at stream_id {} not visible after {}; recorded anyway",
                            change.dataType(),
                            change.userId(),
                            change.streamId(),
                            COMMIT_WAIT);
                    return Mono.empty();
                })
                // The client-api unreachable (or not wired in this process) is no reason to drop the record.
                .onErrorMap(
                        e -> !(e instanceof RetriableException),
                        e -> new RetriableException("client-api account data: " + e.getMessage(), e));
    }

    /** The client-api does not serve the announced write yet. */
    private static final class NotCommittedYet extends RuntimeException {
        NotCommittedYet() {
            super(null, null, false, false);
        }
    }
}
