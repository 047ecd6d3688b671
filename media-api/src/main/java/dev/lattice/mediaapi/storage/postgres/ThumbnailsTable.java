package dev.lattice.mediaapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.StoredThumbnail;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code mediaapi.thumbnails}: thumbnails generated, one per (content, size, method). */
public final class ThumbnailsTable {
    /** Two requests may generate the same thumbnail at once; the first row stays (both files are identical). */
    private static final String INSERT = "INSERT INTO mediaapi.thumbnails"
            + " (source_sha256, width, height, method, content_type, size_bytes, sha256, created_ts)"
            + " VALUES (:source_sha256, :width, :height, :method, :content_type, :size_bytes, :sha256, :created_ts)"
            + " ON CONFLICT (source_sha256, width, height, method) DO NOTHING";

    private static final String SELECT =
            "SELECT source_sha256, width, height, method, content_type, size_bytes, sha256,"
                    + " created_ts FROM mediaapi.thumbnails"
                    + " WHERE source_sha256 = :source_sha256 AND width = :width AND height = :height AND method = :method";

    private final DatabaseClient client;

    public ThumbnailsTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(StoredThumbnail thumbnail) {
        return client.sql(INSERT)
                .bind("source_sha256", thumbnail.sourceSha256())
                .bind("width", thumbnail.width())
                .bind("height", thumbnail.height())
                .bind("method", thumbnail.method())
                .bind("content_type", thumbnail.contentType())
                .bind("size_bytes", thumbnail.size())
                .bind("sha256", thumbnail.sha256())
                .bind("created_ts", thumbnail.createdTs())
                .then();
    }

    public Mono<Optional<StoredThumbnail>> select(String sourceSha256, int width, int height, String method) {
        return client.sql(SELECT)
                .bind("source_sha256", sourceSha256)
                .bind("width", width)
                .bind("height", height)
                .bind("method", method)
                .map(row -> new StoredThumbnail(
                        row.get("source_sha256", String.class),
                        row.get("width", Integer.class),
                        row.get("height", Integer.class),
                        row.get("method", String.class),
                        row.get("content_type", String.class),
                        row.get("size_bytes", Long.class),
                        row.get("sha256", String.class),
                        row.get("created_ts", Long.class)))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
