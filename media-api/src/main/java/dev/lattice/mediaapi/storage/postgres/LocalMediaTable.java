package dev.lattice.mediaapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.LocalMedia;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code mediaapi.local_media}: media uploaded to this server, one row per media ID. */
public final class LocalMediaTable {
    private static final String INSERT = "INSERT INTO mediaapi.local_media"
            + " (media_id, uploader, content_type, upload_name, size_bytes, sha256, created_ts, authenticated)"
            + " VALUES (:media_id, :uploader, :content_type, :upload_name, :size_bytes, :sha256, :created_ts,"
            + " :authenticated)";

    private static final String SELECT = "SELECT media_id, uploader, content_type, upload_name, size_bytes, sha256,"
            + " created_ts, authenticated, quarantined_by FROM mediaapi.local_media WHERE media_id = :media_id";

    private static final String COUNT_BY_UPLOADER =
            "SELECT COUNT(*) AS count FROM mediaapi.local_media WHERE uploader = :uploader";

    private final DatabaseClient client;

    public LocalMediaTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(LocalMedia media) {
        DatabaseClient.GenericExecuteSpec spec = client.sql(INSERT)
                .bind("media_id", media.mediaId())
                .bind("uploader", media.uploader())
                .bind("content_type", media.contentType());
        spec = Binds.optional(spec, "upload_name", media.uploadName());
        return spec.bind("size_bytes", media.size())
                .bind("sha256", media.sha256())
                .bind("created_ts", media.createdTs())
                .bind("authenticated", media.authenticated())
                .then();
    }

    public Mono<Optional<LocalMedia>> select(String mediaId) {
        return client.sql(SELECT)
                .bind("media_id", mediaId)
                .map(row -> new LocalMedia(
                        row.get("media_id", String.class),
                        row.get("uploader", String.class),
                        row.get("content_type", String.class),
                        Optional.ofNullable(row.get("upload_name", String.class)),
                        row.get("size_bytes", Long.class),
                        row.get("sha256", String.class),
                        row.get("created_ts", Long.class),
                        row.get("authenticated", Boolean.class),
                        row.get("quarantined_by", String.class) != null))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    public Mono<Long> countByUploader(String uploader) {
        return client.sql(COUNT_BY_UPLOADER)
                .bind("uploader", uploader)
                .map(row -> row.get("count", Long.class))
                .one();
    }
}
