package dev.lattice.clientapi.producers;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.api.clientapi.ClientApiOutput;
import dev.lattice.runtime.bus.Bus;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/** Publishes on {@code clientapi.output}, keyed by user ID, the JSON of {@link ClientApiOutput} records. */
public final class ClientApiOutputProducer {
    private static final ObjectWriter WRITER = JsonMapper.builder().build().writerFor(ClientApiOutput.class);

    private final Bus bus;

    public ClientApiOutputProducer(Bus bus) {
        this.bus = requireNonNull(bus, "bus is null");
    }

    /** Completes once the broker has the record durably. */
    public Mono<Void> publish(AccountDataChanged change) {
        return Mono.fromCallable(() -> WRITER.writeValueAsBytes(change))
                .flatMap(bytes ->
                        bus.publish(Topics.CLIENTAPI_OUTPUT, change.userId().toString(), bytes));
    }

    /** The JSON of a record, as consumers receive it (for tests and tooling). */
    public static byte[] encode(ClientApiOutput output) {
        return WRITER.writeValueAsBytes(output);
    }
}
