package dev.lattice.api.mediaapi;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the federation-api asks the media-api for other servers: media uploaded to this server
 * ({@code GET /_matrix/federation/v1/media/download/{mediaId}} and {@code /thumbnail/{mediaId}}). Only media
 * uploaded here is served; media this server cached from others is not (the spec: servers serve their own media).
 *
 * <p>Both fail with {@link dev.lattice.protocol.spec.MatrixException}: 404 {@code M_NOT_FOUND} for unknown media, and
 * the thumbnail errors of the client endpoint (400 for content that cannot be thumbnailed, 413 for an image too
 * large to decode).
 */
public interface LocalMediaApi {

    /** The content of {@code mxc://<this server>/<mediaId>}. */
    Mono<Media> localMedia(String mediaId);

    /**
     * A thumbnail of {@code mxc://<this server>/<mediaId>}, chosen among the standard sizes as the client endpoint
     * chooses.
     *
     * @param method {@code crop} or {@code scale}
     */
    Mono<Media> localThumbnail(String mediaId, int width, int height, String method);

    /**
     * Media to send.
     *
     * @param contentType its Content-Type
     * @param fileName the filename for Content-Disposition, if it has one
     * @param size its length in bytes
     * @param content the bytes, streamed; to be subscribed to once
     */
    record Media(String contentType, Optional<String> fileName, long size, Flux<ByteBuffer> content) {
        public Media {
            requireNonNull(contentType, "contentType is null");
            requireNonNull(fileName, "fileName is null");
            requireNonNull(content, "content is null");
        }
    }
}
