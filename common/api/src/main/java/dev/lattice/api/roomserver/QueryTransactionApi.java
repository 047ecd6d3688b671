package dev.lattice.api.roomserver;

import dev.lattice.protocol.id.EventId;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** The client transactions events were sent in (txnId idempotency, docs/architecture.md §7). */
public interface QueryTransactionApi {

    /**
     * The event already sent in this transaction (user, device, txnId and the request's room and endpoint), if any. A
     * fast path for client-api before it builds an event; the roomserver makes the same check atomically on input.
     *
     * @param transaction a transaction with its scope ({@link SendTransaction#roomId()} is not null)
     */
    Mono<Optional<EventId>> querySentTransaction(SendTransaction transaction);
}
