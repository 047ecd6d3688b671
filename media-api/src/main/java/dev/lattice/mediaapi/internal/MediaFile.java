package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.LocalMedia;
import dev.lattice.mediaapi.storage.RemoteMedia;
import java.util.Optional;

/**
 * Media this server serves, whoever's it is: uploaded here ({@link LocalMedia}) or another server's, cached here
 * ({@link RemoteMedia}). Downloads and thumbnails need no more than this.
 *
 * @param serverName the server of its {@code mxc://} URI
 * @param mediaId the media ID of its {@code mxc://} URI
 * @param contentType its Content-Type
 * @param uploadName its filename, if it has one
 * @param size its length in bytes
 * @param sha256 its address in the media store
 */
public record MediaFile(
        String serverName, String mediaId, String contentType, Optional<String> uploadName, long size, String sha256) {
    public MediaFile {
        requireNonNull(serverName, "serverName is null");
        requireNonNull(mediaId, "mediaId is null");
        requireNonNull(contentType, "contentType is null");
        requireNonNull(uploadName, "uploadName is null");
        requireNonNull(sha256, "sha256 is null");
    }

    static MediaFile local(String ourServerName, LocalMedia media) {
        return new MediaFile(
                ourServerName, media.mediaId(), media.contentType(), media.uploadName(), media.size(), media.sha256());
    }

    static MediaFile remote(RemoteMedia media) {
        return new MediaFile(
                media.serverName(),
                media.mediaId(),
                media.contentType(),
                media.uploadName(),
                media.size(),
                media.sha256());
    }
}
