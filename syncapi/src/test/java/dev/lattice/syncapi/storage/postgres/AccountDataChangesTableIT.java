package dev.lattice.syncapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.syncapi.storage.AccountDataChange;
import dev.lattice.syncapi.storage.SyncApiDatabase;
import dev.lattice.testing.TestInfra;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code syncapi.account_data_changes} through {@link SyncApiDatabase}, against a real PostgreSQL. */
class AccountDataChangesTableIT {
    private static SyncApiDatabase database;

    @BeforeAll
    static void migrate() {
        database = new PostgresSyncApiDatabase(TestInfra.migrated("syncapi"));
    }

    private static String newUser() {
        return "@u" + UUID.randomUUID().toString().substring(0, 8) + ":example.org";
    }

    @Test
    void eachNewerChangeMovesItsKeyToANewPositionAndReplaysChangeNothing() {
        String user = newUser();
        long start = database.storedPositions().block().accountData();
        long direct = database.storeAccountDataChange(user, Optional.empty(), "m.direct", 10)
                .block()
                .orElseThrow();
        long tag = database.storeAccountDataChange(user, Optional.of("!r:example.org"), "m.tag", 11)
                .block()
                .orElseThrow();
        assertThat(direct).isGreaterThan(start);
        assertThat(tag).isGreaterThan(direct);
        assertThat(database.storedPositions().block().accountData()).isGreaterThanOrEqualTo(tag);

        // A replay (same stream_id) or an older record: nothing.
        assertThat(database.storeAccountDataChange(user, Optional.empty(), "m.direct", 10)
                        .block())
                .isEmpty();
        assertThat(database.storeAccountDataChange(user, Optional.empty(), "m.direct", 9)
                        .block())
                .isEmpty();
        assertThat(database.accountDataChanges(user, start, Long.MAX_VALUE).block())
                .containsExactly(
                        new AccountDataChange(Optional.empty(), "m.direct", direct),
                        new AccountDataChange(Optional.of("!r:example.org"), "m.tag", tag));

        // A newer one: the key moves up, and only it is after the tag's position.
        OptionalLong newer = database.storeAccountDataChange(user, Optional.empty(), "m.direct", 12)
                .block();
        assertThat(newer.orElseThrow()).isGreaterThan(tag);
        assertThat(database.accountDataChanges(user, tag, Long.MAX_VALUE).block())
                .containsExactly(new AccountDataChange(Optional.empty(), "m.direct", newer.getAsLong()));
        assertThat(database.accountDataChanges(user, start, tag).block())
                .containsExactly(new AccountDataChange(Optional.of("!r:example.org"), "m.tag", tag));
        // Another user's changes are theirs.
        assertThat(database.accountDataChanges(newUser(), start, Long.MAX_VALUE).block())
                .isEmpty();
    }

    @Test
    void globalAndPerRoomDataOfOneTypeAreDistinct() {
        String user = newUser();
        long start = database.storedPositions().block().accountData();
        assertThat(database.storeAccountDataChange(user, Optional.empty(), "m.tag", 1)
                        .block())
                .isPresent();
        assertThat(database.storeAccountDataChange(user, Optional.of("!a:example.org"), "m.tag", 1)
                        .block())
                .isPresent();
        assertThat(database.storeAccountDataChange(user, Optional.of("!b:example.org"), "m.tag", 1)
                        .block())
                .isPresent();
        List<AccountDataChange> changes =
                database.accountDataChanges(user, start, Long.MAX_VALUE).block();
        assertThat(changes)
                .extracting(AccountDataChange::roomId)
                .containsExactly(Optional.empty(), Optional.of("!a:example.org"), Optional.of("!b:example.org"));
    }
}
