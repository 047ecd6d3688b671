package dev.lattice.syncapi.consumers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.ephemeral.TypingUpdate;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.runtime.bus.BusJson;
import dev.lattice.runtime.bus.BusRecord;
import dev.lattice.syncapi.internal.Typing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Tails {@code ephemeral.typing} (every syncapi process reads every record: each keeps typing in memory) into
 * {@link Typing}. A version newer than this one understands is skipped; a record that does not decode is poison.
 */
public final class TypingConsumer {
    private static final Logger log = LoggerFactory.getLogger(TypingConsumer.class);

    private final Typing typing;

    public TypingConsumer(Typing typing) {
        this.typing = requireNonNull(typing, "typing is null");
    }

    /** The bus handler. */
    public Mono<Void> handle(BusRecord record) {
        return Mono.defer(() -> {
            long version = CanonicalJson.parseObject(record.payload())
                    .getInteger("version")
                    .orElse(0L);
            if (version > TypingUpdate.VERSION) {
                log.info(
                        "ephemeral.typing record of version {} (newer than {}) skipped", version, TypingUpdate.VERSION);
                return Mono.empty();
            }
            return typing.apply(BusJson.decode(record.payload(), TypingUpdate.class));
        });
    }
}
