package dev.lattice.keyserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.keyserver.producers.KeyserverOutputProducer;
import dev.lattice.keyserver.storage.CrossSigningDatabase;
import dev.lattice.protocol.id.UserId;
import dev.lattice.runtime.db.Database;
import dev.lattice.runtime.outbox.Outbox;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code keyserver.cross_signing_keys} and {@code keyserver.cross_signing_signatures}. */
public final class PostgresCrossSigningDatabase implements CrossSigningDatabase {
    private static final String SELECT_KEYS =
            "SELECT user_id, usage, key_json FROM keyserver.cross_signing_keys WHERE user_id = ANY(:users)";

    private static final String UPSERT_KEY = "INSERT INTO keyserver.cross_signing_keys"
            + " (user_id, usage, public_key, key_json, updated_ts) VALUES (:user_id, :usage, :public_key, :key_json, :now)"
            + " ON CONFLICT (user_id, usage) DO UPDATE SET public_key = excluded.public_key,"
            + " key_json = excluded.key_json, updated_ts = excluded.updated_ts";

    private static final String UPSERT_SIGNATURE = "INSERT INTO keyserver.cross_signing_signatures"
            + " (target_user_id, target_key_id, signer_user_id, signer_key_id, signature)"
            + " VALUES (:target_user_id, :target_key_id, :signer_user_id, :signer_key_id, :signature)"
            + " ON CONFLICT (target_user_id, target_key_id, signer_user_id, signer_key_id)"
            + " DO UPDATE SET signature = excluded.signature";

    private static final String SELECT_SIGNATURES = "SELECT target_user_id, target_key_id, signer_user_id,"
            + " signer_key_id, signature FROM keyserver.cross_signing_signatures WHERE target_user_id = ANY(:users)";

    private final DatabaseClient client;
    private final Outbox outbox;

    public PostgresCrossSigningDatabase(Database database, Outbox outbox) {
        this.client = requireNonNull(database, "database is null").client();
        this.outbox = requireNonNull(outbox, "outbox is null");
    }

    @Override
    public Mono<Map<UserId, Map<String, String>>> keys(Collection<UserId> users) {
        if (users.isEmpty()) {
            return Mono.just(Map.of());
        }
        return client.sql(SELECT_KEYS)
                .bind("users", users.stream().map(UserId::value).toArray(String[]::new))
                .map(row -> List.of(
                        row.get("user_id", String.class),
                        row.get("usage", String.class),
                        row.get("key_json", String.class)))
                .all()
                .collectList()
                .map(rows -> {
                    Map<UserId, Map<String, String>> out = new HashMap<>();
                    for (List<String> row : rows) {
                        out.computeIfAbsent(UserId.parse(row.get(0)), u -> new HashMap<>())
                                .put(row.get(1), row.get(2));
                    }
                    return out;
                });
    }

    @Override
    public Mono<Void> storeKeys(UserId user, Map<String, Map.Entry<String, String>> keys, long now) {
        if (keys.isEmpty()) {
            return Mono.empty();
        }
        return outbox.inTransaction(writer -> Flux.fromIterable(keys.entrySet())
                .concatMap(key -> client.sql(UPSERT_KEY)
                        .bind("user_id", user.value())
                        .bind("usage", key.getKey())
                        .bind("public_key", key.getValue().getValue())
                        .bind("key_json", key.getValue().getKey())
                        .bind("now", now)
                        .then())
                .then(KeyserverOutputProducer.enqueue(writer, DeviceListChange.of(user, Optional.empty(), false))));
    }

    @Override
    public Mono<Void> storeSignatures(List<Signature> signatures) {
        if (signatures.isEmpty()) {
            return Mono.empty();
        }
        Set<UserId> targets = new LinkedHashSet<>();
        signatures.forEach(signature -> targets.add(signature.target()));
        return outbox.inTransaction(writer -> Flux.fromIterable(signatures)
                .concatMap(signature -> client.sql(UPSERT_SIGNATURE)
                        .bind("target_user_id", signature.target().value())
                        .bind("target_key_id", signature.targetKeyId())
                        .bind("signer_user_id", signature.signer().value())
                        .bind("signer_key_id", signature.signerKeyId())
                        .bind("signature", signature.signature())
                        .then())
                .thenMany(Flux.fromIterable(targets)
                        .concatMap(target -> KeyserverOutputProducer.enqueue(
                                writer, DeviceListChange.of(target, Optional.empty(), false))))
                .then());
    }

    @Override
    public Mono<List<Signature>> signatures(Collection<UserId> targets) {
        if (targets.isEmpty()) {
            return Mono.just(List.of());
        }
        return client.sql(SELECT_SIGNATURES)
                .bind("users", targets.stream().map(UserId::value).toArray(String[]::new))
                .map(row -> new Signature(
                        UserId.parse(row.get("target_user_id", String.class)),
                        row.get("target_key_id", String.class),
                        UserId.parse(row.get("signer_user_id", String.class)),
                        row.get("signer_key_id", String.class),
                        row.get("signature", String.class)))
                .all()
                .collectList();
    }
}
