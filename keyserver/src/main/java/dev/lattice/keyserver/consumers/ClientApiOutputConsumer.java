package dev.lattice.keyserver.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.DevicesDeleted;
import dev.lattice.keyserver.storage.KeyserverDatabase;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import reactor.core.publisher.Mono;

/**
 * Consumes {@code clientapi.output} (consumer group {@code keyserver}) for {@link DevicesDeleted}: the deleted
 * devices' keys go, and the change is announced so other users stop encrypting for them. Other record types are not
 * the keyserver's concern and skipped; a newer version is skipped; database failures are retried.
 */
public final class ClientApiOutputConsumer {
    private static final Logger log = LoggerFactory.getLogger(ClientApiOutputConsumer.class);

    private final KeyserverDatabase database;

    public ClientApiOutputConsumer(KeyserverDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> {
                    JsonObject envelope = CanonicalJson.parseObject(record.payload());
                    if (!envelope.getString("type").orElse("").equals(DevicesDeleted.TYPE)) {
                        return Mono.empty();
                    }
                    long version = envelope.getInteger("version").orElse(0L);
                    if (version > DevicesDeleted.VERSION) {
                        log.info("clientapi.output {} record of version {} skipped", DevicesDeleted.TYPE, version);
                        return Mono.empty();
                    }
                    DevicesDeleted deleted = BusJson.decode(record.payload(), DevicesDeleted.class);
                    return database.deleteDevices(deleted.userId(), deleted.deviceIds());
                })
                .onErrorMap(
                        ClientApiOutputConsumer::isTransient,
                        e -> new RetriableException("keyserver database: " + e.getMessage(), e));
    }

    /** Database trouble is worth retrying; a constraint violation or anything else is a poison record. */
    static boolean isTransient(Throwable failure) {
        return (failure instanceof DataAccessException && !(failure instanceof DataIntegrityViolationException))
                || (failure instanceof R2dbcException && !(failure instanceof R2dbcDataIntegrityViolationException));
    }
}
