package dev.lattice.mediaapi.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where the bytes of media and thumbnails live, addressed by their SHA-256: identical content is stored once. The
 * metadata (who uploaded what, under which media ID) lives in {@link MediaApiDatabase}; a store knows only hashes, so
 * no client input ever becomes part of a path. {@link dev.lattice.mediaapi.storage.LocalMediaStore} keeps them on the
 * local filesystem, {@link dev.lattice.mediaapi.storage.s3.S3MediaStore} in an S3-compatible object store.
 *
 * <pre>{@code
 * store.write(request.body(BodyExtractors.toDataBuffers()), maxBytes)   // durable when the Mono completes
 *         .flatMap(stored -> database.insertLocalMedia(...stored.sha256()...))
 * }</pre>
 */
public interface MediaStore {

    /**
     * Streams {@code body} into the store, hashing as it goes, without ever holding it whole in memory. When the
     * returned Mono completes the content is durable (flushed to stable storage) under its hash. A body longer than
     * {@code maxBytes} fails with {@link TooLargeException} as soon as the limit is crossed, and nothing is kept.
     */
    Mono<StoredContent> write(Flux<DataBuffer> body, long maxBytes);

    /** Stores small content already in memory (a generated thumbnail); durable when the Mono completes. */
    default Mono<StoredContent> write(byte[] content) {
        return write(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(content)), content.length);
    }

    /**
     * The content with this hash, streamed in chunks; fails with {@link java.nio.file.NoSuchFileException} (before the
     * first chunk) when the store does not have it.
     */
    Flux<DataBuffer> read(String sha256);

    /** Removes the content with this hash, if the store has it; call it only once no row names it. */
    Mono<Void> delete(String sha256);

    /** A blocking stream of the content, for decoders; call it off the event loop and close it. */
    InputStream open(String sha256) throws IOException;

    /**
     * Content in the store: its lowercase hex SHA-256 and its size.
     *
     * @param sha256 64 lowercase hex digits
     * @param size the length in bytes
     */
    record StoredContent(String sha256, long size) {
        public StoredContent {
            requireNonNull(sha256, "sha256 is null");
            if (!isSha256(sha256)) {
                throw new IllegalArgumentException("not a lowercase hex SHA-256: " + sha256);
            }
            if (size < 0) {
                throw new IllegalArgumentException("size is negative: " + size);
            }
        }
    }

    /** Whether {@code value} is 64 lowercase hex digits, the only names a store ever builds paths from. */
    static boolean isSha256(String value) {
        if (value.length() != 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The body was longer than the limit given to {@link #write(Flux, long)}; nothing was stored. */
    final class TooLargeException extends RuntimeException {
        private final long maxBytes;

        public TooLargeException(long maxBytes) {
            super("content is larger than " + maxBytes + " bytes");
            this.maxBytes = maxBytes;
        }

        public long maxBytes() {
            return maxBytes;
        }
    }
}
