package dev.lattice.syncapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.ephemeral.TypingUpdate;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.syncapi.internal.Typing;
import reactor.core.publisher.Mono;

/**
 * Tails {@code ephemeral.typing} (every syncapi process reads every record: each keeps typing in memory) into
 * {@link Typing}. A version newer than this one understands is skipped; a record that does not decode is poison.
 */
public final class TypingConsumer {

    private final Typing typing;

    public TypingConsumer(Typing typing) {
        this.typing = requireNonNull(typing, "typing is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return VersionedRecords.handle(record, TypingUpdate.VERSION, TypingUpdate.class, typing::apply);
    }
}
