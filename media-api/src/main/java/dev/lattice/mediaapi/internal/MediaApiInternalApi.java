package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.mediaapi.LocalMediaApi;
import dev.lattice.runtime.http.DataBuffers;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * {@link LocalMediaApi}: our media for other servers, read as the authenticated client endpoints read it. Only media
 * uploaded here is found ({@link MediaLookup} with our server name), never media cached from others.
 */
public final class MediaApiInternalApi implements LocalMediaApi {
    private final String ourServerName;
    private final Downloads downloads;
    private final Thumbnails thumbnails;

    public MediaApiInternalApi(String ourServerName, Downloads downloads, Thumbnails thumbnails) {
        this.ourServerName = requireNonNull(ourServerName, "ourServerName is null");
        this.downloads = requireNonNull(downloads, "downloads is null");
        this.thumbnails = requireNonNull(thumbnails, "thumbnails is null");
    }

    @Override
    public Mono<Media> localMedia(String mediaId) {
        return downloads
                .download(ourServerName, mediaId, Optional.empty(), Access.AUTHENTICATED, MediaLookup.DEFAULT_WAIT)
                .map(MediaApiInternalApi::media);
    }

    @Override
    public Mono<Media> localThumbnail(String mediaId, int width, int height, String method) {
        ThumbnailSize.Method parsed = switch (method) {
            case "crop" -> ThumbnailSize.Method.CROP;
            case "scale" -> ThumbnailSize.Method.SCALE;
            default -> throw new IllegalArgumentException("method must be crop or scale: " + method);
        };
        return thumbnails
                .thumbnail(
                        new Thumbnails.Request(ourServerName, mediaId, width, height, parsed, MediaLookup.DEFAULT_WAIT),
                        Access.AUTHENTICATED)
                .map(MediaApiInternalApi::media);
    }

    private static Media media(Downloads.Content content) {
        return new Media(
                content.contentType(),
                content.fileName(),
                content.size(),
                content.body().map(DataBuffers::copyAndRelease));
    }
}
