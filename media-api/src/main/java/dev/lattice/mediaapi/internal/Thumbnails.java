package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.internal.ThumbnailImages.ThumbnailException;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.MediaStore;
import dev.lattice.mediaapi.storage.StoredThumbnail;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET …/thumbnail/{serverName}/{mediaId}}: picks the configured size for the request
 * ({@link ThumbnailSize#select}), serves the cached thumbnail of that size, or makes it on demand (decoding on
 * {@link Schedulers#boundedElastic()}, never on the event loop), stores it and records it.
 *
 * <p>Errors: media that is not a PNG, JPEG or GIF, or does not decode, is 400 {@code M_UNKNOWN} (the spec's example,
 * and Synapse's answer when no thumbnail can be made); an image over the pixel limit is 413 {@code M_TOO_LARGE}
 * (the spec: "the local content is too large for the server to thumbnail").
 */
public final class Thumbnails {
    private static final Logger log = LoggerFactory.getLogger(Thumbnails.class);

    private final MediaLookup lookup;
    private final MediaApiDatabase database;
    private final MediaStore store;
    private final long maxImagePixels;
    private final List<ThumbnailSize> sizes;
    private final Clock clock;
    /** Images waiting for their thumbnails to be made ahead of requests, made one image at a time. */
    private final Sinks.Many<MediaFile> pregeneration =
            Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(PREGENERATION_QUEUE));

    private static final int PREGENERATION_QUEUE = 1000;

    /** @param sizes the only sizes made, smallest first ({@link ThumbnailSize#parseAll}) */
    public Thumbnails(
            MediaLookup lookup,
            MediaApiDatabase database,
            MediaStore store,
            long maxImagePixels,
            List<ThumbnailSize> sizes,
            Clock clock) {
        this.lookup = requireNonNull(lookup, "lookup is null");
        this.database = requireNonNull(database, "database is null");
        this.store = requireNonNull(store, "store is null");
        this.maxImagePixels = maxImagePixels;
        this.sizes = List.copyOf(sizes);
        this.clock = requireNonNull(clock, "clock is null");
        pregeneration
                .asFlux()
                .concatMap(media -> Flux.fromIterable(this.sizes)
                        .concatMap(size -> thumbnailOf(media, size))
                        .onErrorResume(e -> {
                            log.debug(
                                    "no thumbnails made ahead for mxc://{}/{}", media.serverName(), media.mediaId(), e);
                            return Mono.empty();
                        })
                        .then())
                .subscribe();
    }

    /**
     * Makes every size of this just-uploaded image in the background, so that its first viewers do not wait (as
     * Synapse does on upload). One image at a time; when more than a thousand wait, the newest are left to be made on
     * their first request. Media that is not a thumbnailable image is ignored.
     */
    public void pregenerate(MediaFile media) {
        if (!ThumbnailImages.isThumbnailable(media.contentType())) {
            return;
        }
        Sinks.EmitResult result;
        synchronized (pregeneration) { // a unicast sink takes one emitter at a time
            result = pregeneration.tryEmitNext(media);
        }
        if (result.isFailure()) {
            log.info("thumbnails of mxc://{}/{} not made ahead: {}", media.serverName(), media.mediaId(), result);
        }
    }

    /**
     * A thumbnail request as the handler decoded it.
     *
     * @param width the desired width, positive
     * @param height the desired height, positive
     * @param method the desired method
     * @param timeout how long to wait for the content of a created media ID that has none yet ({@code timeout_ms})
     */
    public record Request(
            String serverName, String mediaId, int width, int height, ThumbnailSize.Method method, Duration timeout) {
        public Request {
            requireNonNull(serverName, "serverName is null");
            requireNonNull(mediaId, "mediaId is null");
            requireNonNull(method, "method is null");
            requireNonNull(timeout, "timeout is null");
        }
    }

    /** The thumbnail to send: its stored row (type, size) and streamed content. */
    public Mono<Downloads.Content> thumbnail(Request request, Access access) {
        return lookup.find(request.serverName(), request.mediaId(), access, request.timeout())
                .flatMap(media -> {
                    if (!ThumbnailImages.isThumbnailable(media.contentType())) {
                        return Mono.error(cannotThumbnail());
                    }
                    ThumbnailSize size =
                            ThumbnailSize.select(sizes, request.width(), request.height(), request.method());
                    return thumbnailOf(media, size)
                            .map(thumbnail -> new Downloads.Content(
                                    thumbnail.contentType(),
                                    Optional.of(fileName(thumbnail.contentType())),
                                    thumbnail.size(),
                                    Downloads.readOrNotFound(store, thumbnail.sha256())));
                });
    }

    /** The stored thumbnail of this size, made now if it was not yet. */
    private Mono<StoredThumbnail> thumbnailOf(MediaFile media, ThumbnailSize size) {
        return database.thumbnail(
                        media.sha256(),
                        size.width(),
                        size.height(),
                        size.method().value())
                .flatMap(cached -> cached.map(Mono::just).orElseGet(() -> generate(media, size)));
    }

    private Mono<StoredThumbnail> generate(MediaFile media, ThumbnailSize size) {
        return Mono.fromCallable(() -> render(media, size))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(encoded -> store.write(encoded.bytes())
                        .map(stored -> new StoredThumbnail(
                                media.sha256(),
                                size.width(),
                                size.height(),
                                size.method().value(),
                                encoded.contentType(),
                                stored.size(),
                                stored.sha256(),
                                clock.millis())))
                .flatMap(thumbnail -> database.insertThumbnail(thumbnail).thenReturn(thumbnail));
    }

    private ThumbnailImages.Encoded render(MediaFile media, ThumbnailSize size) {
        try (InputStream in = store.open(media.sha256())) {
            return ThumbnailImages.thumbnail(in, size, maxImagePixels);
        } catch (ThumbnailException e) {
            log.info("no thumbnail for mxc://{}/{}: {}", media.serverName(), media.mediaId(), e.getMessage());
            throw switch (e.reason()) {
                case UNDECODABLE -> cannotThumbnail();
                case TOO_LARGE -> new MatrixException(ErrorCode.TOO_LARGE, "Content is too large to thumbnail");
            };
        } catch (NoSuchFileException e) {
            throw MediaLookup.notFound();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MatrixException cannotThumbnail() {
        return new MatrixException(ErrorCode.UNKNOWN, "Cannot generate thumbnails for the requested content")
                .withHttpStatus(400);
    }

    private static String fileName(String contentType) {
        return contentType.equals("image/jpeg") ? "thumbnail.jpg" : "thumbnail.png";
    }
}
