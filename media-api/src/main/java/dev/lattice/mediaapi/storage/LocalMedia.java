package dev.lattice.mediaapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A row of {@code mediaapi.local_media}: media uploaded to this server.
 *
 * @param mediaId the media ID of {@code mxc://<server>/<mediaId>}
 * @param uploader the user ID of the uploader
 * @param contentType the Content-Type the upload carried, served back as is
 * @param uploadName the {@code filename} the upload carried, if any
 * @param size the length in bytes
 * @param sha256 the content's address in the {@link MediaStore}
 * @param createdTs when the upload completed, in milliseconds since the epoch
 * @param authenticated uploaded while authenticated media was enforced: hidden from the deprecated endpoints
 * @param quarantined an administrator quarantined it: served to nobody
 */
public record LocalMedia(
        String mediaId,
        String uploader,
        String contentType,
        Optional<String> uploadName,
        long size,
        String sha256,
        long createdTs,
        boolean authenticated,
        boolean quarantined) {
    public LocalMedia {
        requireNonNull(mediaId, "mediaId is null");
        requireNonNull(uploader, "uploader is null");
        requireNonNull(contentType, "contentType is null");
        requireNonNull(uploadName, "uploadName is null");
        requireNonNull(sha256, "sha256 is null");
    }

    /** Media as uploaded: not quarantined. */
    public LocalMedia(
            String mediaId,
            String uploader,
            String contentType,
            Optional<String> uploadName,
            long size,
            String sha256,
            long createdTs,
            boolean authenticated) {
        this(mediaId, uploader, contentType, uploadName, size, sha256, createdTs, authenticated, false);
    }
}
