package dev.lattice.mediaapi.storage;

import dev.lattice.protocol.json.JsonObject;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** The content repository's metadata: which media IDs exist (ours and cached ones of other servers), and thumbnails. */
public interface MediaApiDatabase {

    /** Records an upload; call it only once the content is durable in the {@link MediaStore}. */
    Mono<Void> insertLocalMedia(LocalMedia media);

    /** The local media with this ID, if any. */
    Mono<Optional<LocalMedia>> localMedia(String mediaId);

    /** How many media {@code userId} has uploaded. */
    Mono<Long> countLocalMediaOf(String userId);

    /** Records another server's media once its content is durable; a row already there for it is kept. */
    Mono<Void> insertRemoteMedia(RemoteMedia media);

    /** The cached media {@code mxc://<serverName>/<mediaId>}, if it was fetched. */
    Mono<Optional<RemoteMedia>> remoteMedia(String serverName, String mediaId);

    /** Records a generated thumbnail; a thumbnail already recorded for the same key is kept. */
    Mono<Void> insertThumbnail(StoredThumbnail thumbnail);

    /** The thumbnail of the content with this hash made for this standard size and method, if one was generated. */
    Mono<Optional<StoredThumbnail>> thumbnail(String sourceSha256, int width, int height, String method);

    /**
     * The cached preview of {@code url} that has not expired at {@code now}: the newest made at or before {@code ts},
     * else the newest.
     */
    Mono<Optional<JsonObject>> urlPreview(String url, long ts, long now);

    /** Caches a preview of {@code url} until {@code expiresTs}, dropping the URL's expired ones. */
    Mono<Void> insertUrlPreview(String url, long fetchedTs, long expiresTs, JsonObject preview);

    /** Records a media ID created for a later upload. */
    Mono<Void> insertPendingMedia(String mediaId, String uploader, long now, long expiresTs);

    /** The uploader of a pending media ID that has not expired at {@code now}; empty otherwise. */
    Mono<Optional<String>> pendingUploader(String mediaId, long now);

    /** How many of the user's pending media IDs have not expired at {@code now}. */
    Mono<Long> countPendingMediaOf(String userId, long now);

    /** Stores the uploaded content of a pending media ID and drops the pending row, in one transaction. */
    Mono<Void> completePendingMedia(LocalMedia media);
}
