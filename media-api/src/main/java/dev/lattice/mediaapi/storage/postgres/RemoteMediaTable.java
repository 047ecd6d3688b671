package dev.lattice.mediaapi.storage.postgres;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.RemoteMedia;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** {@code mediaapi.remote_media}: other servers' media cached here, one row per (server, media ID). */
public final class RemoteMediaTable {
    /** Two processes may fetch the same media at once; the first row stays (the content is the same). */
    private static final String INSERT = "INSERT INTO mediaapi.remote_media"
            + " (server_name, media_id, content_type, upload_name, size_bytes, sha256, fetched_ts)"
            + " VALUES (:server_name, :media_id, :content_type, :upload_name, :size_bytes, :sha256, :fetched_ts)"
            + " ON CONFLICT (server_name, media_id) DO NOTHING";

    private static final String SELECT = "SELECT server_name, media_id, content_type, upload_name, size_bytes, sha256,"
            + " fetched_ts, quarantined_by FROM mediaapi.remote_media WHERE server_name = :server_name AND media_id = :media_id";

    private final DatabaseClient client;

    public RemoteMediaTable(DatabaseClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    public Mono<Void> insert(RemoteMedia media) {
        DatabaseClient.GenericExecuteSpec spec = client.sql(INSERT)
                .bind("server_name", media.serverName())
                .bind("media_id", media.mediaId())
                .bind("content_type", media.contentType());
        spec = Binds.optional(spec, "upload_name", media.uploadName());
        return spec.bind("size_bytes", media.size())
                .bind("sha256", media.sha256())
                .bind("fetched_ts", media.fetchedTs())
                .then();
    }

    public Mono<Optional<RemoteMedia>> select(String serverName, String mediaId) {
        return client.sql(SELECT)
                .bind("server_name", serverName)
                .bind("media_id", mediaId)
                .map(row -> new RemoteMedia(
                        row.get("server_name", String.class),
                        row.get("media_id", String.class),
                        row.get("content_type", String.class),
                        Optional.ofNullable(row.get("upload_name", String.class)),
                        row.get("size_bytes", Long.class),
                        row.get("sha256", String.class),
                        row.get("fetched_ts", Long.class),
                        row.get("quarantined_by", String.class) != null))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
