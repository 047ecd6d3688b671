package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.federationapi.RemoteMediaApi;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.MediaStore;
import dev.lattice.mediaapi.storage.RemoteMedia;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Other servers' media: served from the cache ({@code mediaapi.remote_media} and the {@link MediaStore}), or fetched
 * from its server through the federation-api ({@link RemoteMediaApi}), stored and recorded first. The bytes are
 * streamed into the store as they arrive; the row is written only once they are durable, so a crash mid-fetch leaves
 * nothing that would be served.
 *
 * <p>One fetch per media at a time in this process: requests for media being fetched wait for that fetch, which
 * runs to its end even if the client that started it goes away. (Two processes of a split deployment may both
 * fetch the same media; identical bytes are stored once and the first row stays.)
 */
public final class RemoteMediaCache {
    private final MediaApiDatabase database;
    private final MediaStore store;
    private final Supplier<Optional<RemoteMediaApi>> federation;
    private final long maxBytes;
    private final Clock clock;
    private final InFlight<String, RemoteMedia> fetching = new InFlight<>();

    /**
     * @param federation the federation-api, or empty when federation is off (remote media is then 404)
     * @param maxBytes the largest remote media fetched (the upload limit, as Synapse); larger is 502 {@code M_TOO_LARGE}
     */
    public RemoteMediaCache(
            MediaApiDatabase database,
            MediaStore store,
            Supplier<Optional<RemoteMediaApi>> federation,
            long maxBytes,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.store = requireNonNull(store, "store is null");
        this.federation = requireNonNull(federation, "federation is null");
        this.maxBytes = maxBytes;
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The media, cached or fetched now; fails as {@link RemoteMediaApi#downloadRemoteMedia} does, and with 404
     * {@code M_NOT_FOUND} for media an administrator quarantined (never fetched again).
     */
    public Mono<RemoteMedia> find(ServerName server, String mediaId) {
        return database.remoteMedia(server.value(), mediaId)
                .flatMap(found -> found.map(media -> media.quarantined()
                                ? Mono.<RemoteMedia>error(MediaLookup.notFound())
                                : Mono.just(media))
                        .orElseGet(() -> fetchOnce(server, mediaId)));
    }

    private Mono<RemoteMedia> fetchOnce(ServerName server, String mediaId) {
        // Media IDs never hold '/' (MediaIds), so the key is unambiguous.
        String key = server.value() + "/" + mediaId;
        return fetching.join(key, () -> fetch(server, mediaId));
    }

    private Mono<RemoteMedia> fetch(ServerName server, String mediaId) {
        Optional<RemoteMediaApi> api = federation.get();
        if (api.isEmpty()) {
            return Mono.error(new MatrixException(
                    ErrorCode.NOT_FOUND, "Media not found: federation is off, so other servers' media is not fetched"));
        }
        return api.get()
                .downloadRemoteMedia(
                        server,
                        mediaId,
                        maxBytes,
                        (contentType, fileName, content) -> store(server, mediaId, contentType, fileName, content))
                .flatMap(media -> database.insertRemoteMedia(media)
                        .then(database.remoteMedia(server.value(), mediaId))
                        .map(Optional::orElseThrow));
    }

    private Mono<RemoteMedia> store(
            ServerName server,
            String mediaId,
            String contentType,
            Optional<String> fileName,
            Flux<ByteBuffer> content) {
        return store.write(content.map(DefaultDataBufferFactory.sharedInstance::wrap), maxBytes)
                .onErrorMap(
                        MediaStore.TooLargeException.class,
                        e -> new MatrixException(
                                        ErrorCode.TOO_LARGE, "Remote media is larger than " + maxBytes + " bytes")
                                .withHttpStatus(502))
                .map(stored -> new RemoteMedia(
                        server.value(),
                        mediaId,
                        safeContentType(contentType),
                        fileName.flatMap(RemoteMediaCache::safeFileName),
                        stored.size(),
                        stored.sha256(),
                        clock.millis()));
    }

    /** What another server says is held to the rules of our own uploads, leniently: a bad type is octet-stream. */
    private static String safeContentType(String contentType) {
        try {
            return Uploads.contentType(contentType);
        } catch (MatrixException e) {
            return "application/octet-stream";
        }
    }

    /** ... and a bad filename is none. */
    private static Optional<String> safeFileName(String fileName) {
        try {
            return Optional.of(Uploads.fileName(fileName));
        } catch (MatrixException e) {
            return Optional.empty();
        }
    }
}
