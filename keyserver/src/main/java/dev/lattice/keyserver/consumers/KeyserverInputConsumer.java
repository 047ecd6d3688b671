package dev.lattice.keyserver.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Device-list changes of other servers' users ({@code keyserver.input}, from the federation-api's
 * {@code m.device_list_update} and {@code m.signing_key_update} EDUs), announced on {@code keyserver.output} like our
 * users' changes, so the syncapi tells the local users who share a room with them. The user's cached keys are dropped in
 * the same transaction, before any client hears of the change and asks again.
 */
public final class KeyserverInputConsumer {
    private static final Logger log = LoggerFactory.getLogger(KeyserverInputConsumer.class);

    private final KeyserverDatabase database;
    private final ServerName serverName;
    private final Clock clock;

    public KeyserverInputConsumer(KeyserverDatabase database, ServerName serverName, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private Mono<Void> announce(DeviceListChange change) {
        if (change.userId().serverName().equals(serverName)) {
            log.warn("keyserver.input record about our own user {} skipped", change.userId());
            return Mono.empty();
        }
        return database.invalidateRemoteKeysAndAnnounce(change, clock.millis());
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> BusJson.decodeVersioned(record, DeviceListChange.VERSION, DeviceListChange.class)
                        .map(this::announce)
                        .orElse(Mono.empty()))
                .onErrorMap(
                        ClientApiOutputConsumer::isTransient,
                        e -> new RetriableException("keyserver database: " + e.getMessage(), e));
    }
}
