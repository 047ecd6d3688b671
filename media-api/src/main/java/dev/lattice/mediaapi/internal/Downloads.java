package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.MediaStore;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Optional;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET …/download/{serverName}/{mediaId}[/{fileName}]}: finds the media and streams its content from the
 * {@link MediaStore}, never holding it whole in memory.
 */
public final class Downloads {
    private final MediaLookup lookup;
    private final MediaStore store;

    public Downloads(MediaLookup lookup, MediaStore store) {
        this.lookup = requireNonNull(lookup, "lookup is null");
        this.store = requireNonNull(store, "store is null");
    }

    /**
     * Media to send.
     *
     * @param contentType the Content-Type to answer with
     * @param fileName the filename for Content-Disposition: the one asked for in the path, else the uploaded one
     * @param size the length in bytes (Content-Length)
     * @param body the content, streamed; fails with 404 {@code M_NOT_FOUND} before the first chunk if the file is gone
     */
    public record Content(String contentType, Optional<String> fileName, long size, Flux<DataBuffer> body) {
        public Content {
            requireNonNull(contentType, "contentType is null");
            requireNonNull(fileName, "fileName is null");
            requireNonNull(body, "body is null");
        }
    }

    /** The media's content; a created media ID without content yet is waited for up to {@code wait}. */
    public Mono<Content> download(
            String serverName, String mediaId, Optional<String> fileName, Access access, Duration wait) {
        return lookup.find(serverName, mediaId, access, wait).map(media -> content(media, fileName));
    }

    private Content content(MediaFile media, Optional<String> fileName) {
        return new Content(
                media.contentType(),
                fileName.or(media::uploadName),
                media.size(),
                readOrNotFound(store, media.sha256()));
    }

    /**
     * The stored content; a row whose file is missing is answered 404, as Synapse does when the file is gone. The
     * error comes before the first chunk, so the response is not committed yet and the error handler renders it.
     */
    static Flux<DataBuffer> readOrNotFound(MediaStore store, String sha256) {
        return store.read(sha256).onErrorMap(NoSuchFileException.class, e -> MediaLookup.notFound());
    }
}
