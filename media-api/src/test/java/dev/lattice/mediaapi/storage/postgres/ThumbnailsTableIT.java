package dev.lattice.mediaapi.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.mediaapi.internal.MediaIds;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.RemoteMedia;
import dev.lattice.mediaapi.storage.StoredThumbnail;
import dev.lattice.testing.TestInfra;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code mediaapi.thumbnails} through {@link MediaApiDatabase}, against a real PostgreSQL. */
class ThumbnailsTableIT {
    private static MediaApiDatabase database;

    @BeforeAll
    static void migrate() {
        database = new PostgresMediaApiDatabase(TestInfra.migrated("mediaapi"));
    }

    @Test
    void thumbnailsAreKeyedByContentSizeAndMethodAndTheFirstOneStays() {
        // Any content: thumbnails are keyed by the hash of what they were made from, ours or another server's.
        String source = MediaIds.generate().toLowerCase().replaceAll("[^0-9a-f]", "0");
        String sourceSha256 = (source + "0".repeat(64)).substring(0, 64);
        StoredThumbnail crop = new StoredThumbnail(sourceSha256, 96, 96, "crop", "image/png", 50, "11".repeat(32), 2L);
        StoredThumbnail again = new StoredThumbnail(sourceSha256, 96, 96, "crop", "image/png", 60, "22".repeat(32), 3L);
        database.insertThumbnail(crop).block();
        database.insertThumbnail(again).block();

        assertThat(database.thumbnail(sourceSha256, 96, 96, "crop").block()).contains(crop);
        assertThat(database.thumbnail(sourceSha256, 96, 96, "scale").block()).isEmpty();
        assertThat(database.thumbnail(sourceSha256, 32, 32, "crop").block()).isEmpty();
    }

    @Test
    void remoteMediaIsKeyedByServerAndIdAndTheFirstRowStays() {
        String mediaId = MediaIds.generate();
        RemoteMedia first =
                new RemoteMedia("a.example", mediaId, "image/png", Optional.of("a.png"), 10, "33".repeat(32), 5L);
        database.insertRemoteMedia(first).block();
        database.insertRemoteMedia(
                        new RemoteMedia("a.example", mediaId, "text/plain", Optional.empty(), 11, "44".repeat(32), 6L))
                .block();
        assertThat(database.remoteMedia("a.example", mediaId).block()).contains(first);
        assertThat(database.remoteMedia("b.example", mediaId).block()).isEmpty();
    }
}
