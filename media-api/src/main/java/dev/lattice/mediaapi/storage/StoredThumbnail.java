package dev.lattice.mediaapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * A row of {@code mediaapi.thumbnails}: a generated thumbnail.
 *
 * @param sourceSha256 the SHA-256 of the content it was made from
 * @param width the width of the standard size it was made for
 * @param height the height of the standard size it was made for
 * @param method {@code crop} or {@code scale}
 * @param contentType {@code image/jpeg} or {@code image/png}
 * @param size the length in bytes
 * @param sha256 its address in the {@link MediaStore}
 * @param createdTs when it was generated, in milliseconds since the epoch
 */
public record StoredThumbnail(
        String sourceSha256,
        int width,
        int height,
        String method,
        String contentType,
        long size,
        String sha256,
        long createdTs) {
    public StoredThumbnail {
        requireNonNull(sourceSha256, "sourceSha256 is null");
        requireNonNull(method, "method is null");
        requireNonNull(contentType, "contentType is null");
        requireNonNull(sha256, "sha256 is null");
    }
}
