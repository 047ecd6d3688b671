package dev.lattice.mediaapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.LocalMedia;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.RemoteMedia;
import dev.lattice.mediaapi.storage.StoredThumbnail;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.db.Database;
import java.util.List;
import java.util.Map;
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
    public Mono<Long> bytesOfLocalMediaOf(String userId) {
        return client.sql("SELECT COALESCE(SUM(size_bytes), 0)::BIGINT AS bytes FROM mediaapi.local_media"
                        + " WHERE uploader = :uploader")
                .bind("uploader", userId)
                .map(row -> row.get("bytes", Long.class))
                .one();
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

    @Override
    public Mono<Long> setQuarantined(boolean local, String serverName, String mediaId, Optional<String> by) {
        DatabaseClient.GenericExecuteSpec spec = local
                ? client.sql("UPDATE mediaapi.local_media SET quarantined_by = :by WHERE media_id = :media_id")
                : client.sql("UPDATE mediaapi.remote_media SET quarantined_by = :by"
                                + " WHERE server_name = :server_name AND media_id = :media_id")
                        .bind("server_name", serverName);
        spec = spec.bind("media_id", mediaId);
        spec = Binds.optional(spec, "by", by);
        return spec.fetch().rowsUpdated();
    }

    @Override
    public Mono<Long> quarantineMediaOf(String uploader, String by) {
        return client.sql("UPDATE mediaapi.local_media SET quarantined_by = :by"
                        + " WHERE uploader = :uploader AND quarantined_by IS NULL")
                .bind("uploader", uploader)
                .bind("by", by)
                .fetch()
                .rowsUpdated();
    }

    @Override
    public Mono<Optional<String>> deleteLocalMedia(String mediaId) {
        return client.sql("DELETE FROM mediaapi.local_media WHERE media_id = :media_id RETURNING sha256")
                .bind("media_id", mediaId)
                .map(row -> row.get("sha256", String.class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    @Override
    public Mono<List<Map.Entry<String, String>>> deleteLocalMediaOf(String uploader) {
        return client.sql("DELETE FROM mediaapi.local_media WHERE uploader = :uploader RETURNING media_id, sha256")
                .bind("uploader", uploader)
                .map(row -> Map.entry(row.get("media_id", String.class), row.get("sha256", String.class)))
                .all()
                .collectList();
    }

    @Override
    public Mono<List<String>> deleteRemoteMediaFetchedBefore(long beforeTs) {
        return client.sql("DELETE FROM mediaapi.remote_media WHERE fetched_ts < :before RETURNING sha256")
                .bind("before", beforeTs)
                .map(row -> row.get("sha256", String.class))
                .all()
                .collectList();
    }

    @Override
    public Mono<Boolean> isContentReferenced(String sha256) {
        return client.sql("SELECT EXISTS (SELECT 1 FROM mediaapi.local_media WHERE sha256 = :sha256)"
                        + " OR EXISTS (SELECT 1 FROM mediaapi.remote_media WHERE sha256 = :sha256)"
                        + " OR EXISTS (SELECT 1 FROM mediaapi.thumbnails WHERE sha256 = :sha256) AS referenced")
                .bind("sha256", sha256)
                .map(row -> row.get("referenced", Boolean.class))
                .one();
    }

    @Override
    public Mono<List<String>> deleteThumbnailsOf(String sourceSha256) {
        return client.sql("DELETE FROM mediaapi.thumbnails WHERE source_sha256 = :source RETURNING sha256")
                .bind("source", sourceSha256)
                .map(row -> row.get("sha256", String.class))
                .all()
                .collectList();
    }
}
