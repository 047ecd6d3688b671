package dev.lattice.mediaapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A row of {@code mediaapi.remote_media}: another server's media, fetched and cached here.
 *
 * @param serverName the server of {@code mxc://<serverName>/<mediaId>}
 * @param mediaId its media ID
 * @param contentType the Content-Type the other server gave
 * @param uploadName the filename the other server gave, if any
 * @param size the length in bytes
 * @param sha256 the content's address in the {@link MediaStore}
 * @param fetchedTs when it was fetched, in milliseconds since the epoch
 * @param quarantined an administrator quarantined it: neither served nor fetched again
 */
public record RemoteMedia(
        String serverName,
        String mediaId,
        String contentType,
        Optional<String> uploadName,
        long size,
        String sha256,
        long fetchedTs,
        boolean quarantined) {
    public RemoteMedia {
        requireNonNull(serverName, "serverName is null");
        requireNonNull(mediaId, "mediaId is null");
        requireNonNull(contentType, "contentType is null");
        requireNonNull(uploadName, "uploadName is null");
        requireNonNull(sha256, "sha256 is null");
    }

    /** Media as fetched: not quarantined. */
    public RemoteMedia(
            String serverName,
            String mediaId,
            String contentType,
            Optional<String> uploadName,
            long size,
            String sha256,
            long fetchedTs) {
        this(serverName, mediaId, contentType, uploadName, size, sha256, fetchedTs, false);
    }
}
