package dev.lattice.mediaapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.mediaapi.internal.MediaIds;
import dev.lattice.mediaapi.storage.LocalMedia;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.testing.TestInfra;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code mediaapi.local_media} through {@link MediaApiDatabase}, against a real PostgreSQL. */
class LocalMediaTableIT {
    private static final String SHA = "ab".repeat(32);
    private static MediaApiDatabase database;

    @BeforeAll
    static void migrate() {
        database = new PostgresMediaApiDatabase(TestInfra.migrated("mediaapi"));
    }

    static String newUser() {
        return "@u" + UUID.randomUUID().toString().substring(0, 8) + ":example.org";
    }

    @Test
    void insertedMediaReadsBackWithAndWithoutAFilename() {
        String user = newUser();
        LocalMedia named = new LocalMedia(
                MediaIds.generate(),
                user,
                "image/png",
                Optional.of("cat picture.png"),
                1234,
                SHA,
                1700000000000L,
                true);
        LocalMedia unnamed = new LocalMedia(
                MediaIds.generate(), user, "application/octet-stream", Optional.empty(), 0, SHA, 1700000000001L, false);
        database.insertLocalMedia(named).block();
        database.insertLocalMedia(unnamed).block();

        assertThat(database.localMedia(named.mediaId()).block()).contains(named);
        assertThat(database.localMedia(unnamed.mediaId()).block()).contains(unnamed);
        assertThat(database.countLocalMediaOf(user).block()).isEqualTo(2);
        assertThat(database.localMedia(MediaIds.generate()).block()).isEmpty();
    }

    @Test
    void aMediaIdIsNeverReused() {
        LocalMedia media = new LocalMedia(
                MediaIds.generate(), newUser(), "text/plain", Optional.empty(), 1, SHA, 1700000000000L, true);
        database.insertLocalMedia(media).block();
        assertThatThrownBy(() -> database.insertLocalMedia(media).block()).isNotNull();
    }
}
