package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /_matrix/client/v1/media/preview_url}: the OpenGraph data of a URL ({@link OpenGraph}), fetched through
 * the SSRF guard ({@link PreviewFetcher}). The page's image is fetched the same way and stored as media of this
 * server (uploaded by the user who asked first), so clients load it as {@code mxc://} with {@code og:image},
 * {@code og:image:type}, its dimensions and {@code matrix:image:size}. A URL that is itself an image is previewed as
 * that image; anything else that is not HTML gives an empty preview.
 *
 * <p>Previews are cached by URL for {@link #CACHE_FOR} ({@code mediaapi.url_previews}); {@code ts} picks the newest
 * cached preview made at or before it, else the newest one, as the spec lets a server answer a newer version. One
 * fetch per URL at a time in this process.
 */
public final class UrlPreviews {
    private static final Logger log = LoggerFactory.getLogger(UrlPreviews.class);
    static final Duration CACHE_FOR = Duration.ofHours(1);
    /** Longer URLs are refused (400): no real link is this long, and it is a cache key. */
    static final int MAX_URL_LENGTH = 4096;

    private final MediaApiDatabase database;
    private final PreviewFetcher fetcher;
    private final Uploads uploads;
    private final long maxImagePixels;
    private final Clock clock;
    private final InFlight<String, JsonObject> fetching = new InFlight<>();

    public UrlPreviews(
            MediaApiDatabase database, PreviewFetcher fetcher, Uploads uploads, long maxImagePixels, Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.fetcher = requireNonNull(fetcher, "fetcher is null");
        this.uploads = requireNonNull(uploads, "uploads is null");
        this.maxImagePixels = maxImagePixels;
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Mono<JsonObject> preview(AuthenticatedDevice device, String url, OptionalLong ts) {
        if (url.length() > MAX_URL_LENGTH) {
            return Mono.error(new MatrixException(ErrorCode.INVALID_PARAM, "The URL is too long"));
        }
        PreviewFetcher.parse(url);
        long now = clock.millis();
        return database.urlPreview(url, ts.orElse(now), now)
                .flatMap(cached ->
                        cached.map(Mono::just).orElseGet(() -> fetching.join(url, () -> fetchAndCache(device, url))));
    }

    private Mono<JsonObject> fetchAndCache(AuthenticatedDevice device, String url) {
        return fetcher.fetch(url)
                .flatMap(page -> {
                    String type = mimeType(page.contentType());
                    if (type.startsWith("image/")) {
                        return image(device, page, new JsonObjectBuilder()).map(JsonObjectBuilder::build);
                    }
                    if (!type.equals("text/html") && !type.equals("application/xhtml+xml") && !type.isEmpty()) {
                        return Mono.just(JsonObject.EMPTY);
                    }
                    return Mono.fromCallable(() -> OpenGraph.of(page.body(), page.contentType(), page.uri()))
                            .subscribeOn(Schedulers.boundedElastic())
                            .flatMap(og -> withImage(device, og));
                })
                .flatMap(preview -> {
                    long now = clock.millis();
                    return database.insertUrlPreview(url, now, now + CACHE_FOR.toMillis(), preview)
                            .thenReturn(preview);
                });
    }

    /** The page's data, with its image stored here; a page whose image cannot be fetched is previewed without it. */
    private Mono<JsonObject> withImage(AuthenticatedDevice device, Map<String, Object> og) {
        JsonObject withoutImage = text(og).build();
        if (!(og.get("og:image") instanceof String imageUrl)) {
            return Mono.just(withoutImage);
        }
        return fetcher.fetch(imageUrl)
                .filter(image -> mimeType(image.contentType()).startsWith("image/"))
                .flatMap(image -> {
                    JsonObjectBuilder preview = text(og);
                    og.forEach((key, value) -> {
                        if (key.startsWith("og:image:") && !key.equals("og:image:type")) {
                            if (value instanceof Long number) {
                                preview.put(key, number);
                            } else {
                                preview.put(key, (String) value);
                            }
                        }
                    });
                    return image(device, image, preview);
                })
                .map(JsonObjectBuilder::build)
                .onErrorResume(e -> {
                    log.info("URL preview: no image from {}: {}", imageUrl, e.getMessage());
                    return Mono.just(withoutImage);
                })
                .defaultIfEmpty(withoutImage);
    }

    /** The page's properties other than its image's. */
    private static JsonObjectBuilder text(Map<String, Object> og) {
        JsonObjectBuilder preview = new JsonObjectBuilder();
        og.forEach((key, value) -> {
            if (!key.startsWith("og:image")) {
                preview.put(key, (String) value);
            }
        });
        return preview;
    }

    /** Stores the image as our media and describes it in {@code preview}. */
    private Mono<JsonObjectBuilder> image(
            AuthenticatedDevice device, PreviewFetcher.Fetched image, JsonObjectBuilder preview) {
        String type = mimeType(image.contentType());
        Uploads.Upload upload = new Uploads.Upload(
                Optional.of(type),
                Optional.empty(),
                OptionalLong.of(image.body().length),
                Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(image.body())));
        return uploads.upload(device, upload).map(mxc -> {
            preview.put("og:image", mxc).put("og:image:type", type).put("matrix:image:size", image.body().length);
            ThumbnailImages.dimensions(image.body(), maxImagePixels).ifPresent(size -> {
                preview.put("og:image:width", size[0]).put("og:image:height", size[1]);
            });
            return preview;
        });
    }

    private static String mimeType(Optional<String> contentType) {
        try {
            return contentType
                    .map(MediaType::parseMediaType)
                    .map(type -> type.getType() + "/" + type.getSubtype())
                    .map(type -> type.toLowerCase(Locale.ROOT))
                    .orElse("");
        } catch (RuntimeException e) {
            return "application/octet-stream";
        }
    }
}
