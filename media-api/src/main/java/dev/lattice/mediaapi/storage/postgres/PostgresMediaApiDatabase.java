package dev.lattice.mediaapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.LocalMedia;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.StoredThumbnail;
import dev.lattice.runtime.db.Database;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@link MediaApiDatabase} on PostgreSQL, schema {@code mediaapi}: {@link LocalMediaTable} and
 * {@link LocalThumbnailsTable}. Each operation is one statement, so none needs a transaction of its own.
 */
public final class PostgresMediaApiDatabase implements MediaApiDatabase {
    private final LocalMediaTable media;
    private final LocalThumbnailsTable thumbnails;

    public PostgresMediaApiDatabase(Database database) {
        DatabaseClient client = requireNonNull(database, "database is null").client();
        this.media = new LocalMediaTable(client);
        this.thumbnails = new LocalThumbnailsTable(client);
    }

    @Override
    public Mono<Void> insertLocalMedia(LocalMedia localMedia) {
        return media.insert(localMedia);
    }

    @Override
    public Mono<Optional<LocalMedia>> localMedia(String mediaId) {
        return media.select(mediaId);
    }

    @Override
    public Mono<Long> countLocalMediaOf(String userId) {
        return media.countByUploader(userId);
    }

    @Override
    public Mono<Void> insertThumbnail(StoredThumbnail thumbnail) {
        return thumbnails.insert(thumbnail);
    }

    @Override
    public Mono<Optional<StoredThumbnail>> thumbnail(String mediaId, int width, int height, String method) {
        return thumbnails.select(mediaId, width, height, method);
    }
}
