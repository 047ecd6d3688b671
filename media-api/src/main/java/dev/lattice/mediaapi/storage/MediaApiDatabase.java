package dev.lattice.mediaapi.storage;

import dev.lattice.protocol.json.JsonObject;
import java.util.List;
import java.util.Map;
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

    /** How many bytes the media {@code userId} uploaded hold in all (for the quota). */
    Mono<Long> bytesOfLocalMediaOf(String userId);

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

    // ---- administration ----

    /**
     * Quarantines ({@code by} an administrator) or releases (empty) {@code mxc://<serverName>/<mediaId>}: ours when
     * {@code local}, else a cached one of another server. How many rows changed (0 for unknown media).
     */
    Mono<Long> setQuarantined(boolean local, String serverName, String mediaId, Optional<String> by);

    /** Quarantines every medium {@code uploader} uploaded here that is not quarantined yet; how many. */
    Mono<Long> quarantineMediaOf(String uploader, String by);

    /** Deletes the row of our media {@code mediaId}; the SHA-256 of its content, or empty when there was none. */
    Mono<Optional<String>> deleteLocalMedia(String mediaId);

    /** Deletes the rows of everything {@code uploader} uploaded here; (media ID, SHA-256) of each. */
    Mono<List<Map.Entry<String, String>>> deleteLocalMediaOf(String uploader);

    /** Deletes the rows of other servers' media fetched before {@code beforeTs}; the SHA-256 of each. */
    Mono<List<String>> deleteRemoteMediaFetchedBefore(long beforeTs);

    /** Whether any media row (ours, cached, or a thumbnail) still names the content {@code sha256}. */
    Mono<Boolean> isContentReferenced(String sha256);

    /** Deletes the thumbnails made of {@code sourceSha256}; the SHA-256 of each thumbnail. */
    Mono<List<String>> deleteThumbnailsOf(String sourceSha256);
}
