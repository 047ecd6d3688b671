package dev.lattice.keyserver.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.keyserver.storage.BackupKey;
import dev.lattice.keyserver.storage.BackupVersion;
import dev.lattice.keyserver.storage.KeyBackupDatabase;
import dev.lattice.protocol.id.UserId;
import dev.lattice.runtime.db.Database;
import io.r2dbc.spi.Readable;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code keyserver.backup_versions} and {@code keyserver.backup_keys}. */
public final class PostgresKeyBackupDatabase implements KeyBackupDatabase {
    /** Serialises a user's version changes, so "one more than any" and "the current one" hold under concurrency. */
    private static final String LOCK_USER = "SELECT pg_advisory_xact_lock(hashtext('keyserver.backup:' || :user_id))";

    private static final String INSERT_VERSION = "INSERT INTO keyserver.backup_versions"
            + " (user_id, version, algorithm, auth_data)"
            + " SELECT :user_id, COALESCE(MAX(version), 0) + 1, :algorithm, :auth_data"
            + " FROM keyserver.backup_versions WHERE user_id = :user_id RETURNING version";

    private static final String VERSION_COLUMNS = "v.version, v.algorithm, v.auth_data, v.etag,"
            + " (SELECT count(*) FROM keyserver.backup_keys k WHERE k.user_id = v.user_id AND k.version = v.version)"
            + " AS key_count";

    private static final String SELECT_CURRENT = "SELECT " + VERSION_COLUMNS + " FROM keyserver.backup_versions v"
            + " WHERE v.user_id = :user_id AND NOT v.deleted ORDER BY v.version DESC LIMIT 1";

    private static final String SELECT_VERSION = "SELECT " + VERSION_COLUMNS + " FROM keyserver.backup_versions v"
            + " WHERE v.user_id = :user_id AND v.version = :version AND NOT v.deleted";

    private static final String UPDATE_VERSION = "UPDATE keyserver.backup_versions SET auth_data = :auth_data"
            + " WHERE user_id = :user_id AND version = :version AND NOT deleted";

    private static final String DELETE_VERSION = "UPDATE keyserver.backup_versions SET deleted = true"
            + " WHERE user_id = :user_id AND version = :version AND NOT deleted";

    private static final String DELETE_ALL_KEYS =
            "DELETE FROM keyserver.backup_keys WHERE user_id = :user_id AND version = :version";

    /** Inserts the key, or replaces the stored one when the new one is better (BackupKey.betterThan). */
    private static final String UPSERT_KEY = "INSERT INTO keyserver.backup_keys (user_id, version, room_id,"
            + " session_id, first_message_index, forwarded_count, is_verified, session_data)"
            + " VALUES (:user_id, :version, :room_id, :session_id, :first_message_index, :forwarded_count,"
            + " :is_verified, :session_data)"
            + " ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET"
            + " first_message_index = excluded.first_message_index, forwarded_count = excluded.forwarded_count,"
            + " is_verified = excluded.is_verified, session_data = excluded.session_data"
            + " WHERE (excluded.is_verified AND NOT keyserver.backup_keys.is_verified)"
            + " OR (excluded.is_verified = keyserver.backup_keys.is_verified"
            + " AND (excluded.first_message_index < keyserver.backup_keys.first_message_index"
            + " OR (excluded.first_message_index = keyserver.backup_keys.first_message_index"
            + " AND excluded.forwarded_count < keyserver.backup_keys.forwarded_count)))"
            + " RETURNING 1";

    private static final String BUMP_ETAG =
            "UPDATE keyserver.backup_versions SET etag = etag + 1" + " WHERE user_id = :user_id AND version = :version";

    private static final String KEY_FILTER = " WHERE user_id = :user_id AND version = :version"
            + " AND (:room_id = '' OR room_id = :room_id) AND (:session_id = '' OR session_id = :session_id)";

    private static final String SELECT_KEYS = "SELECT room_id, session_id, first_message_index, forwarded_count,"
            + " is_verified, session_data FROM keyserver.backup_keys" + KEY_FILTER + " ORDER BY room_id, session_id";

    private static final String DELETE_KEYS = "DELETE FROM keyserver.backup_keys" + KEY_FILTER + " RETURNING 1";

    private final DatabaseClient client;
    private final TransactionalOperator transactions;

    public PostgresKeyBackupDatabase(Database database) {
        this.client = requireNonNull(database, "database is null").client();
        this.transactions = TransactionalOperator.create(new R2dbcTransactionManager(client.getConnectionFactory()));
    }

    private Mono<Void> lock(UserId user) {
        return client.sql(LOCK_USER).bind("user_id", user.value()).then();
    }

    @Override
    public Mono<Long> createVersion(UserId user, String algorithm, String authDataJson) {
        return transactions.transactional(lock(user)
                .then(client.sql(INSERT_VERSION)
                        .bind("user_id", user.value())
                        .bind("algorithm", algorithm)
                        .bind("auth_data", authDataJson)
                        .map(row -> row.get("version", Long.class))
                        .one()));
    }

    @Override
    public Mono<Optional<BackupVersion>> currentVersion(UserId user) {
        return optionalVersion(client.sql(SELECT_CURRENT).bind("user_id", user.value()));
    }

    @Override
    public Mono<Optional<BackupVersion>> version(UserId user, long version) {
        return optionalVersion(
                client.sql(SELECT_VERSION).bind("user_id", user.value()).bind("version", version));
    }

    @Override
    public Mono<Boolean> updateVersion(UserId user, long version, String authDataJson) {
        return client.sql(UPDATE_VERSION)
                .bind("user_id", user.value())
                .bind("version", version)
                .bind("auth_data", authDataJson)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    @Override
    public Mono<Boolean> deleteVersion(UserId user, long version) {
        Mono<Boolean> work = lock(user)
                .then(client.sql(DELETE_VERSION)
                        .bind("user_id", user.value())
                        .bind("version", version)
                        .fetch()
                        .rowsUpdated())
                .flatMap(rows -> rows == 0
                        ? Mono.just(false)
                        : client.sql(DELETE_ALL_KEYS)
                                .bind("user_id", user.value())
                                .bind("version", version)
                                .then()
                                .thenReturn(true));
        return transactions.transactional(work);
    }

    @Override
    public Mono<Optional<BackupVersion>> putKeys(UserId user, long version, List<BackupKey> keys) {
        Mono<Optional<BackupVersion>> work = lock(user)
                .then(currentVersion(user))
                .flatMap(current -> {
                    if (current.isEmpty() || current.get().version() != version) {
                        return Mono.just(Optional.<BackupVersion>empty());
                    }
                    return Flux.fromIterable(keys)
                            .concatMap(key -> upsertKey(user, version, key))
                            .reduce(false, Boolean::logicalOr)
                            .flatMap(changed -> changed ? bumpEtag(user, version) : Mono.empty())
                            .then(version(user, version));
                });
        return transactions.transactional(work);
    }

    private Mono<Boolean> upsertKey(UserId user, long version, BackupKey key) {
        return client.sql(UPSERT_KEY)
                .bind("user_id", user.value())
                .bind("version", version)
                .bind("room_id", key.roomId())
                .bind("session_id", key.sessionId())
                .bind("first_message_index", key.firstMessageIndex())
                .bind("forwarded_count", key.forwardedCount())
                .bind("is_verified", key.verified())
                .bind("session_data", key.sessionDataJson())
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    private Mono<Void> bumpEtag(UserId user, long version) {
        return client.sql(BUMP_ETAG)
                .bind("user_id", user.value())
                .bind("version", version)
                .then();
    }

    @Override
    public Mono<List<BackupKey>> keys(UserId user, long version, Optional<String> roomId, Optional<String> sessionId) {
        return client.sql(SELECT_KEYS)
                .bind("user_id", user.value())
                .bind("version", version)
                .bind("room_id", roomId.orElse(""))
                .bind("session_id", sessionId.orElse(""))
                .map(row -> new BackupKey(
                        row.get("room_id", String.class),
                        row.get("session_id", String.class),
                        row.get("first_message_index", Long.class),
                        row.get("forwarded_count", Long.class),
                        row.get("is_verified", Boolean.class),
                        row.get("session_data", String.class)))
                .all()
                .collectList();
    }

    @Override
    public Mono<Optional<BackupVersion>> deleteKeys(
            UserId user, long version, Optional<String> roomId, Optional<String> sessionId) {
        Mono<Optional<BackupVersion>> work = lock(user)
                .then(version(user, version))
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Mono.just(found);
                    }
                    return client.sql(DELETE_KEYS)
                            .bind("user_id", user.value())
                            .bind("version", version)
                            .bind("room_id", roomId.orElse(""))
                            .bind("session_id", sessionId.orElse(""))
                            .map(row -> true)
                            .all()
                            .hasElements()
                            .flatMap(deleted -> deleted ? bumpEtag(user, version) : Mono.empty())
                            .then(version(user, version));
                });
        return transactions.transactional(work);
    }

    private static Mono<Optional<BackupVersion>> optionalVersion(DatabaseClient.GenericExecuteSpec select) {
        return select.map(PostgresKeyBackupDatabase::backupVersion)
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    private static BackupVersion backupVersion(Readable row) {
        return new BackupVersion(
                row.get("version", Long.class),
                row.get("algorithm", String.class),
                row.get("auth_data", String.class),
                row.get("etag", Long.class),
                row.get("key_count", Long.class));
    }
}
