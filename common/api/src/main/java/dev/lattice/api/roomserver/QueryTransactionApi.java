package dev.lattice.api.roomserver;

import dev.lattice.protocol.id.EventId;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** The client transactions events were sent in (txnId idempotency, docs/architecture.md §7). */
public interface QueryTransactionApi {

    /**
     * The event already sent by this user and device with this txnId, if any. A fast path for client-api before it
     * builds an event; the roomserver makes the same check atomically on input.
     */
    Mono<Optional<EventId>> querySentTransaction(SendTransaction transaction);
}
