package dev.lattice.clientapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.StoredProfile;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code clientapi.profiles}: display name and avatar of each local user, one row per account. */
public final class ProfilesTable {
    private static final String INSERT = "INSERT INTO clientapi.profiles (localpart, displayname)"
            + " VALUES (:localpart, :displayname) ON CONFLICT (localpart) DO NOTHING";
    private static final String SELECT =
            "SELECT displayname, avatar_url FROM clientapi.profiles" + " WHERE localpart = :localpart";
    private static final String UPDATE_DISPLAYNAME =
            "UPDATE clientapi.profiles SET displayname = :value" + " WHERE localpart = :localpart";
    private static final String UPDATE_AVATAR_URL =
            "UPDATE clientapi.profiles SET avatar_url = :value" + " WHERE localpart = :localpart";

    private final DatabaseClient client;

    public ProfilesTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(String localpart, String displayname) {
        var spec = client.sql(INSERT).bind("localpart", localpart);
        return Sql.bindNullable(spec, "displayname", displayname, String.class).then();
    }

    public Mono<StoredProfile> select(String localpart) {
        return client.sql(SELECT)
                .bind("localpart", localpart)
                .map(row ->
                        new StoredProfile(row.get("displayname", String.class), row.get("avatar_url", String.class)))
                .one();
    }

    /** Sets (or with null, clears) the display name; false when the user has no profile. */
    public Mono<Boolean> updateDisplayname(String localpart, String value) {
        return update(UPDATE_DISPLAYNAME, localpart, value);
    }

    /** Sets (or with null, clears) the avatar URL; false when the user has no profile. */
    public Mono<Boolean> updateAvatarUrl(String localpart, String value) {
        return update(UPDATE_AVATAR_URL, localpart, value);
    }

    private Mono<Boolean> update(String sql, String localpart, String value) {
        var spec = client.sql(sql).bind("localpart", localpart);
        return Sql.bindNullable(spec, "value", value, String.class)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows == 1);
    }
}
