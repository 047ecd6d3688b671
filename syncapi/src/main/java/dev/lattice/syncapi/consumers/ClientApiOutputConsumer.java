package dev.lattice.syncapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccessTokensRevoked;
import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.api.clientapi.ClientApiOutput;
import dev.lattice.api.clientapi.DevicesDeleted;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import dev.lattice.syncapi.internal.PushActions;
import dev.lattice.syncapi.internal.SyncNotifier;
import dev.lattice.syncapi.internal.SyncStream;
import dev.lattice.syncapi.storage.SlidingSyncConnections;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Consumes {@code clientapi.output} (consumer group {@code syncapi}) into the account data stream, then wakes the
 * user's {@code /sync} requests.
 *
 * <ul>
 *   <li>{@link AccountDataChanged}: "(user, room, type) changed" is recorded at a new account data stream position;
 *       the content stays in the client-api, which {@code /sync} asks. The client-api publishes through its outbox,
 *       only after the write committed, so a {@code /sync} woken by the record reads the new content. A record not
 *       newer (by {@code stream_id}) than one already recorded for the same (user, room, type) is a replay (the
 *       outbox delivers at least once): it changes nothing and wakes nobody.
 *   <li>{@link DevicesDeleted}: the devices' to-device inboxes and sliding sync connections are deleted.
 *   <li>{@link AccessTokensRevoked}: nothing (it is for the client-api's token caches).
 *   <li>A type this service does not know, or a version newer than it understands, is logged and skipped, as
 *       {@link ClientApiOutput} asks; neither is an error.
 * </ul>
 * A record that is not JSON or does not decode is poison (thrown as is, so the bus parks it); database failures are
 * {@link RetriableException}s, retried until the database is back.
 */
public final class ClientApiOutputConsumer {
    private static final Logger log = LoggerFactory.getLogger(ClientApiOutputConsumer.class);

    private final SyncApiDatabase database;
    private final SlidingSyncConnections slidingSyncConnections;
    private final SyncNotifier notifier;
    private final PushActions pushActions;

    public ClientApiOutputConsumer(
            SyncApiDatabase database,
            SlidingSyncConnections slidingSyncConnections,
            SyncNotifier notifier,
            PushActions pushActions) {
        this.database = requireNonNull(database, "database is null");
        this.slidingSyncConnections = requireNonNull(slidingSyncConnections, "slidingSyncConnections is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
        this.pushActions = requireNonNull(pushActions, "pushActions is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> {
                    // Look at the envelope first: an unknown type must be skipped, not parked as undecodable.
                    JsonObject envelope = CanonicalJson.parseObject(record.payload());
                    String type = envelope.getString("type").orElse("");
                    long version = envelope.getInteger("version").orElse(0L);
                    int understood = switch (type) {
                        case AccountDataChanged.TYPE -> AccountDataChanged.VERSION;
                        case DevicesDeleted.TYPE -> DevicesDeleted.VERSION;
                        case AccessTokensRevoked.TYPE -> AccessTokensRevoked.VERSION;
                        default -> 0;
                    };
                    if (understood == 0) {
                        log.info("clientapi.output record of unknown type '{}' skipped", type);
                        return Mono.empty();
                    }
                    if (version > understood) {
                        log.info(
                                "clientapi.output {} record of version {} (newer than {}) skipped",
                                type,
                                version,
                                understood);
                        return Mono.empty();
                    }
                    return switch (BusJson.decode(record.payload(), ClientApiOutput.class)) {
                        case AccountDataChanged change -> onAccountDataChanged(change);
                        // For the client-api's token caches; a device that refreshed keeps its inbox.
                        case AccessTokensRevoked revoked -> Mono.empty();
                        // A deleted device never syncs again: drop its inbox and connections (idempotent).
                        case DevicesDeleted deleted -> {
                            String user = deleted.userId().toString();
                            List<String> devices = deleted.deviceIds().stream()
                                    .map(DeviceId::value)
                                    .toList();
                            yield database.deleteToDeviceInboxes(user, devices)
                                    .then(slidingSyncConnections.deleteDevices(user, devices))
                                    .then();
                        }
                    };
                })
                .onErrorMap(
                        RoomserverOutputConsumer::isTransient,
                        e -> new RetriableException("syncapi database: " + e.getMessage(), e));
    }

    private Mono<Void> onAccountDataChanged(AccountDataChanged change) {
        String user = change.userId().toString();
        if (change.roomId().isEmpty() && change.dataType().equals("m.push_rules")) {
            pushActions.forget(user);
        }
        return database.storeAccountDataChange(
                        user, change.roomId().map(RoomId::toString), change.dataType(), change.streamId())
                .doOnNext(position ->
                        position.ifPresent(stored -> notifier.notify(SyncStream.ACCOUNT_DATA, user, stored)))
                .then();
    }
}
