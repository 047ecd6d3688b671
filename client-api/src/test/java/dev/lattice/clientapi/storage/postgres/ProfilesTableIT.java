package dev.lattice.clientapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.clientapi.storage.StoredProfile;
import org.junit.jupiter.api.Test;

/** {@code clientapi.profiles} against a real PostgreSQL. */
class ProfilesTableIT {
    private final ProfilesTable table = new ProfilesTable(TestingDatabase.CLIENT);

    @Test
    void displaynameAndAvatarAreSetAndClearedIndependently() {
        String alice = TestingDatabase.account();
        table.insert(alice, "Alice").block();
        assertThat(table.select(alice).block()).isEqualTo(new StoredProfile("Alice", null));

        assertThat(table.updateAvatarUrl(alice, "mxc://test.lattice/abc").block())
                .isTrue();
        assertThat(table.updateDisplayname(alice, null).block()).isTrue();
        assertThat(table.select(alice).block()).isEqualTo(new StoredProfile(null, "mxc://test.lattice/abc"));
        assertThat(table.updateAvatarUrl(alice, null).block()).isTrue();
        assertThat(table.select(alice).block()).isEqualTo(new StoredProfile(null, null));
    }

    @Test
    void aUserWithoutAProfileRowIsNotUpdated() {
        String nobody = TestingDatabase.localpart();
        assertThat(table.updateDisplayname(nobody, "x").block()).isFalse();
        assertThat(table.updateAvatarUrl(nobody, "mxc://x/y").block()).isFalse();
        assertThat(table.select(nobody).blockOptional()).isEmpty();
    }
}
