package dev.lattice.mediaapi.storage;

import java.util.Optional;
import reactor.core.publisher.Mono;

/** The content repository's metadata: which media IDs exist, and their thumbnails. */
public interface MediaApiDatabase {

    /** Records an upload; call it only once the content is durable in the {@link MediaStore}. */
    Mono<Void> insertLocalMedia(LocalMedia media);

    /** The local media with this ID, if any. */
    Mono<Optional<LocalMedia>> localMedia(String mediaId);

    /** How many media {@code userId} has uploaded. */
    Mono<Long> countLocalMediaOf(String userId);

    /** Records a generated thumbnail; a thumbnail already recorded for the same key is kept. */
    Mono<Void> insertThumbnail(StoredThumbnail thumbnail);

    /** The thumbnail of {@code mediaId} made for this standard size and method, if one was generated. */
    Mono<Optional<StoredThumbnail>> thumbnail(String mediaId, int width, int height, String method);
}
