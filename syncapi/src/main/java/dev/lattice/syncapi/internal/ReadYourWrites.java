package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.Set;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Read-your-writes for the read endpoints served from the read model. The read model trails the roomserver by the
 * time its consumer takes, while {@code /join} answers as soon as the roomserver committed the join: a client that
 * joins and reads at once (a bot, a test, a slow read model after a big join) would be refused a read its membership
 * allows. So a refusal ({@code 403 M_FORBIDDEN}, or {@code 404 M_NOT_FOUND} for an event) is given only after the
 * read model caught up with everything the roomserver had published when the refusal came; the read is then tried
 * once more. An allowed read costs nothing; a refusal costs one look at the consumer's offsets.
 */
public final class ReadYourWrites {
    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND);

    private final Supplier<Mono<Boolean>> caughtUp;

    /** @param caughtUp completes with true once the read model holds what the roomserver published before the call */
    public ReadYourWrites(Supplier<Mono<Boolean>> caughtUp) {
        this.caughtUp = requireNonNull(caughtUp, "caughtUp is null");
    }

    /** {@code read}, once more after the read model caught up if it was refused. */
    public <T> Mono<T> read(Supplier<Mono<T>> read) {
        return Mono.defer(read)
                .onErrorResume(
                        ReadYourWrites::isRefusal,
                        refusal ->
                                caughtUp.get().flatMap(caught -> caught ? Mono.defer(read) : Mono.<T>error(refusal)));
    }

    private static boolean isRefusal(Throwable e) {
        return e instanceof MatrixException m && REFUSALS.contains(m.errorCode());
    }
}
