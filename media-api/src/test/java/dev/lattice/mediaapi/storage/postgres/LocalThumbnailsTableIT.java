package dev.lattice.mediaapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.mediaapi.internal.MediaIds;
import dev.lattice.mediaapi.storage.LocalMedia;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.StoredThumbnail;
import dev.lattice.testing.TestInfra;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code mediaapi.local_thumbnails} through {@link MediaApiDatabase}, against a real PostgreSQL. */
class LocalThumbnailsTableIT {
    private static MediaApiDatabase database;

    @BeforeAll
    static void migrate() {
        database = new PostgresMediaApiDatabase(TestInfra.migrated("mediaapi"));
    }

    @Test
    void thumbnailsAreKeyedBySizeAndMethodAndTheFirstOneStays() {
        String mediaId = MediaIds.generate();
        database.insertLocalMedia(new LocalMedia(
                        mediaId,
                        LocalMediaTableIT.newUser(),
                        "image/png",
                        Optional.empty(),
                        10,
                        "00".repeat(32),
                        1L,
                        true))
                .block();
        StoredThumbnail crop = new StoredThumbnail(mediaId, 96, 96, "crop", "image/png", 50, "11".repeat(32), 2L);
        StoredThumbnail again = new StoredThumbnail(mediaId, 96, 96, "crop", "image/png", 60, "22".repeat(32), 3L);
        database.insertThumbnail(crop).block();
        database.insertThumbnail(again).block();

        assertThat(database.thumbnail(mediaId, 96, 96, "crop").block()).contains(crop);
        assertThat(database.thumbnail(mediaId, 96, 96, "scale").block()).isEmpty();
        assertThat(database.thumbnail(mediaId, 32, 32, "crop").block()).isEmpty();
    }
}
