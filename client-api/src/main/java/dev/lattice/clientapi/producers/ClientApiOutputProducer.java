package dev.lattice.clientapi.producers;

import dev.lattice.api.Topics;
import dev.lattice.api.clientapi.AccessTokensRevoked;
import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.api.clientapi.ClientApiOutput;
import dev.lattice.api.clientapi.DevicesDeleted;
import dev.lattice.runtime.outbox.OutboxWriter;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The producer of {@code clientapi.output}: the JSON of {@link ClientApiOutput} records, keyed by user ID, enqueued in
 * the client-api's outbox within the transaction of the write they announce, so published only after it committed.
 */
public final class ClientApiOutputProducer {
    private static final ObjectWriter WRITER = JsonMapper.builder().build().writerFor(ClientApiOutput.class);

    private ClientApiOutputProducer() {}

    /** Writes the record to {@code writer}'s outbox, in the transaction of the write it announces. */
    public static Mono<Void> enqueue(OutboxWriter writer, ClientApiOutput record) {
        String key = switch (record) {
            case AccountDataChanged change -> change.userId().toString();
            case DevicesDeleted deleted -> deleted.userId().toString();
            case AccessTokensRevoked revoked -> revoked.userId().toString();
        };
        return Mono.fromCallable(() -> encode(record))
                .flatMap(bytes -> writer.enqueue(Topics.CLIENTAPI_OUTPUT, key, bytes));
    }

    /** The JSON of a record, as consumers receive it (for tests and tooling). */
    public static byte[] encode(ClientApiOutput output) {
        return WRITER.writeValueAsBytes(output);
    }
}
