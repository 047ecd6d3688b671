package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccountDataChanged;
import dev.lattice.clientapi.producers.ClientApiOutputProducer;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import java.util.Optional;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Mono;

/**
 * A user's push rules, stored as the {@code m.push_rules} global account data (what clients read in {@code /sync})
 * and always read through {@link PushRules#merged}. An edit reads, changes and writes them under a lock on that
 * account data, announcing the write on {@code clientapi.output} in the same transaction (the syncapi then sends the
 * new rules and evaluates new events with them).
 */
public final class PushRuleSettings {
    private final ClientApiDatabase database;

    public PushRuleSettings(ClientApiDatabase database) {
        this.database = requireNonNull(database, "database is null");
    }

    /** The user's {@code global} scope. */
    public Mono<JsonObject> scope(UserId user) {
        return database.accountData(user.localpart(), "", PushRules.ACCOUNT_DATA_TYPE)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .map(stored -> PushRules.merged(user, stored));
    }

    /** Applies {@code edit} to the user's scope; its errors change nothing. */
    public Mono<Void> edit(UserId user, UnaryOperator<JsonObject> edit) {
        return database.updateAccountData(
                        user.localpart(),
                        "",
                        PushRules.ACCOUNT_DATA_TYPE,
                        stored -> PushRules.accountDataJson(edit.apply(PushRules.merged(user, stored))),
                        (writer, streamId) -> ClientApiOutputProducer.enqueue(
                                writer,
                                AccountDataChanged.of(user, Optional.empty(), PushRules.ACCOUNT_DATA_TYPE, streamId)))
                .then();
    }

    /** The {@code m.push_rules} content as clients read it. */
    public Mono<String> accountDataJson(UserId user) {
        return scope(user).map(PushRules::accountDataJson);
    }
}
