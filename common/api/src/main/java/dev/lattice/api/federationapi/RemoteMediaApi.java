package dev.lattice.api.federationapi;

import dev.lattice.protocol.id.ServerName;
import java.nio.ByteBuffer;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** What the media-api asks of other servers: their users' media, to cache and serve to ours. */
public interface RemoteMediaApi {

    /**
     * Downloads {@code mxc://<server>/<mediaId>} from {@code server} ({@code GET
     * /_matrix/federation/v1/media/download/{mediaId}}, or the older {@code /_matrix/media/v3/download} from a server
     * that does not serve that yet) and hands the content to {@code sink} as it arrives, never holding it whole.
     *
     * @return what the sink made of the content
     * @throws dev.lattice.protocol.spec.MatrixException (as the Mono's error) 404 {@code M_NOT_FOUND} when the server
     *     has no such media, 502 {@code M_TOO_LARGE} when it is larger than {@code maxBytes}, 502 {@code M_UNKNOWN}
     *     when the server cannot be reached or answers something else; the sink's own errors pass through as they are
     */
    <T> Mono<T> downloadRemoteMedia(ServerName server, String mediaId, long maxBytes, MediaSink<T> sink);

    /** Receives downloaded media. */
    @FunctionalInterface
    interface MediaSink<T> {
        /**
         * @param contentType the Content-Type the server gave ({@code application/octet-stream} when it gave none)
         * @param fileName the filename of its Content-Disposition, if any
         * @param content the bytes as they arrive, at most {@code maxBytes} of them (more fail the Flux with 502
         *     {@code M_TOO_LARGE}); to be subscribed to once, within the returned Mono
         */
        Mono<T> store(String contentType, Optional<String> fileName, Flux<ByteBuffer> content);
    }
}
