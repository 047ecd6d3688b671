package dev.lattice.mediaapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.LocalMedia;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.RemoteMedia;
import dev.lattice.mediaapi.storage.StoredThumbnail;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.db.Database;
import java.util.Optional;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * {@link MediaApiDatabase} on PostgreSQL, schema {@code mediaapi}: {@link LocalMediaTable}, {@link RemoteMediaTable},
 * {@link ThumbnailsTable} and the pending uploads. Each operation but one is one statement.
 */
public final class PostgresMediaApiDatabase implements MediaApiDatabase {
    private final LocalMediaTable media;
    private final RemoteMediaTable remote;
    private final ThumbnailsTable thumbnails;
    private final DatabaseClient client;
    private final TransactionalOperator transactions;

    public PostgresMediaApiDatabase(Database database) {
        this.client = requireNonNull(database, "database is null").client();
        this.media = new LocalMediaTable(client);
        this.remote = new RemoteMediaTable(client);
        this.thumbnails = new ThumbnailsTable(client);
        this.transactions = TransactionalOperator.create(new R2dbcTransactionManager(client.getConnectionFactory()));
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
    public Mono<Void> insertRemoteMedia(RemoteMedia media) {
        return remote.insert(media);
    }

    @Override
    public Mono<Optional<RemoteMedia>> remoteMedia(String serverName, String mediaId) {
        return remote.select(serverName, mediaId);
    }

    @Override
    public Mono<Void> insertThumbnail(StoredThumbnail thumbnail) {
        return thumbnails.insert(thumbnail);
    }

    @Override
    public Mono<Optional<StoredThumbnail>> thumbnail(String sourceSha256, int width, int height, String method) {
        return thumbnails.select(sourceSha256, width, height, method);
    }

    @Override
    public Mono<Optional<JsonObject>> urlPreview(String url, long ts, long now) {
        return client.sql("SELECT og FROM mediaapi.url_previews WHERE url = :url AND expires_ts > :now"
                        + " ORDER BY (fetched_ts <= :ts) DESC, fetched_ts DESC LIMIT 1")
                .bind("url", url)
                .bind("now", now)
                .bind("ts", ts)
                .map(row -> CanonicalJson.parseObject(row.get("og", String.class)))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    @Override
    public Mono<Void> insertUrlPreview(String url, long fetchedTs, long expiresTs, JsonObject preview) {
        return client.sql("DELETE FROM mediaapi.url_previews WHERE url = :url AND expires_ts <= :now")
                .bind("url", url)
                .bind("now", fetchedTs)
                .then()
                .then(client.sql("INSERT INTO mediaapi.url_previews (url, fetched_ts, expires_ts, og)"
                                + " VALUES (:url, :fetched_ts, :expires_ts, :og) ON CONFLICT DO NOTHING")
                        .bind("url", url)
                        .bind("fetched_ts", fetchedTs)
                        .bind("expires_ts", expiresTs)
                        .bind("og", CanonicalJson.encodeToString(preview))
                        .then());
    }

    @Override
    public Mono<Void> insertPendingMedia(String mediaId, String uploader, long now, long expiresTs) {
        return client.sql("INSERT INTO mediaapi.pending_media (media_id, uploader, created_ts, expires_ts)"
                        + " VALUES (:media_id, :uploader, :now, :expires_ts)")
                .bind("media_id", mediaId)
                .bind("uploader", uploader)
                .bind("now", now)
                .bind("expires_ts", expiresTs)
                .then();
    }

    @Override
    public Mono<Optional<String>> pendingUploader(String mediaId, long now) {
        return client.sql(
                        "SELECT uploader FROM mediaapi.pending_media WHERE media_id = :media_id AND expires_ts > :now")
                .bind("media_id", mediaId)
                .bind("now", now)
                .map(row -> row.get("uploader", String.class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    @Override
    public Mono<Long> countPendingMediaOf(String userId, long now) {
        return client.sql("SELECT count(*) AS n FROM mediaapi.pending_media WHERE uploader = :uploader"
                        + " AND expires_ts > :now")
                .bind("uploader", userId)
                .bind("now", now)
                .map(row -> row.get("n", Long.class))
                .one();
    }

    @Override
    public Mono<Void> completePendingMedia(LocalMedia localMedia) {
        return transactions.transactional(media.insert(localMedia)
                .then(client.sql("DELETE FROM mediaapi.pending_media WHERE media_id = :media_id")
                        .bind("media_id", localMedia.mediaId())
                        .then()));
    }
}
