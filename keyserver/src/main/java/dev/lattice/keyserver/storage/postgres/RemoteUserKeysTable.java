package dev.lattice.keyserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.UserId;
import java.util.Collection;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code keyserver.remote_user_keys}: the cache of other servers' users' keys. */
public final class RemoteUserKeysTable {
    private static final String SELECT = "SELECT user_id, answer_json FROM keyserver.remote_user_keys"
            + " WHERE user_id = ANY(:users) AND answer_json IS NOT NULL AND fetched_ts >= :notBefore";
    // An invalidation newer than the fetch's start wins: the fetched answer may predate the update.
    private static final String STORE = "INSERT INTO keyserver.remote_user_keys (user_id, answer_json, fetched_ts)"
            + " VALUES (:user, :answer, :fetched) ON CONFLICT (user_id) DO UPDATE"
            + " SET answer_json = excluded.answer_json, fetched_ts = excluded.fetched_ts"
            + " WHERE keyserver.remote_user_keys.invalidated_ts < excluded.fetched_ts";
    private static final String INVALIDATE = "INSERT INTO keyserver.remote_user_keys (user_id, invalidated_ts)"
            + " VALUES (:user, :now) ON CONFLICT (user_id) DO UPDATE"
            + " SET answer_json = NULL, invalidated_ts = GREATEST(keyserver.remote_user_keys.invalidated_ts, :now)";

    private final DatabaseClient client;

    public RemoteUserKeysTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Map<UserId, String>> select(Collection<UserId> users, long notBefore) {
        return client.sql(SELECT)
                .bind("users", users.stream().map(UserId::value).toArray(String[]::new))
                .bind("notBefore", notBefore)
                .map(row ->
                        Map.entry(UserId.parse(row.get("user_id", String.class)), row.get("answer_json", String.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    public Mono<Void> store(UserId user, String answerJson, long fetchStartedTs) {
        return client.sql(STORE)
                .bind("user", user.value())
                .bind("answer", answerJson)
                .bind("fetched", fetchStartedTs)
                .then();
    }

    public Mono<Void> invalidate(UserId user, long now) {
        return client.sql(INVALIDATE)
                .bind("user", user.value())
                .bind("now", now)
                .then();
    }
}
