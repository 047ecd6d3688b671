package dev.lattice.syncapi.consumers;

import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.runtime.bus.RetriableException;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The envelope handling the syncapi's consumers of single-type topics share: a record of a newer version than this
 * build understands is logged and skipped (the producers' contract), a record that does not decode is poison (thrown
 * as is, so the bus parks it), and database trouble while handling it is a {@link RetriableException}.
 */
final class VersionedRecords {
    private VersionedRecords() {}

    static <T> Mono<Void> handle(BusRecord record, int understood, Class<T> type, Function<T, Mono<Void>> handler) {
        return Mono.defer(() -> BusJson.decodeVersioned(record, understood, type)
                        .map(handler)
                        .orElse(Mono.empty()))
                .onErrorMap(
                        RoomserverOutputConsumer::isTransient,
                        e -> new RetriableException("syncapi database: " + e.getMessage(), e));
    }
}
