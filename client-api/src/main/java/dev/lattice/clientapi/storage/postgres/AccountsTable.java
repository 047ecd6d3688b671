package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.StoredAccount;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code clientapi.accounts}: one row per local account, kept after deactivation. */
public final class AccountsTable {
    private static final String INSERT =
            "INSERT INTO clientapi.accounts (localpart, password_hash, is_admin, created_ts)"
                    + " VALUES (:localpart, :passwordHash, :isAdmin, :now) ON CONFLICT (localpart) DO NOTHING";
    private static final String SELECT = "SELECT localpart, password_hash, is_admin, deactivated_ts"
            + " FROM clientapi.accounts WHERE localpart = :localpart";
    private static final String UPDATE_PASSWORD = "UPDATE clientapi.accounts SET password_hash = :passwordHash"
            + " WHERE localpart = :localpart AND deactivated_ts IS NULL";
    private static final String DEACTIVATE = "UPDATE clientapi.accounts SET deactivated_ts = :now,"
            + " password_hash = NULL WHERE localpart = :localpart AND deactivated_ts IS NULL";

    private final DatabaseClient client;

    public AccountsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** Inserts an account; false when the localpart is taken (by an active or a deactivated account). */
    public Mono<Boolean> insert(String localpart, String passwordHash, boolean isAdmin, long now) {
        return client.sql(INSERT)
                .bind("localpart", localpart)
                .bind("passwordHash", passwordHash)
                .bind("isAdmin", isAdmin)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    public Mono<StoredAccount> select(String localpart) {
        return client.sql(SELECT)
                .bind("localpart", localpart)
                .map(row -> new StoredAccount(
                        row.get("localpart", String.class),
                        row.get("password_hash", String.class),
                        Boolean.TRUE.equals(row.get("is_admin", Boolean.class)),
                        row.get("deactivated_ts", Long.class) != null))
                .one();
    }

    /** Sets the password hash of an active account; false when there is none. */
    public Mono<Boolean> updatePassword(String localpart, String passwordHash) {
        return client.sql(UPDATE_PASSWORD)
                .bind("localpart", localpart)
                .bind("passwordHash", passwordHash)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }

    /** Marks an active account deactivated and forgets its password; false when there is none. */
    public Mono<Boolean> deactivate(String localpart, long now) {
        return client.sql(DEACTIVATE)
                .bind("localpart", localpart)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }
}
