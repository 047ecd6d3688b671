package dev.lattice.mediaapi.routing;

import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.internal.Access;
import dev.lattice.mediaapi.internal.Downloads;
import dev.lattice.mediaapi.internal.MediaLookup;
import dev.lattice.mediaapi.internal.ThumbnailSize;
import dev.lattice.mediaapi.internal.Thumbnails;
import dev.lattice.mediaapi.internal.Uploads;
import dev.lattice.mediaapi.internal.UrlPreviews;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.MatrixRouter;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The content repository's endpoints. Each handler decodes the request, makes one call, and encodes the answer;
 * media responses carry {@link MediaHeaders}. The authenticated {@code /_matrix/client/v1/media/*} endpoints are the
 * ones clients use since v1.11; the deprecated unauthenticated {@code /_matrix/media/v3/download|thumbnail} serve only
 * media from before the freeze (see {@link Access#UNAUTHENTICATED}).
 */
public final class MediaRoutes {
    private static final String CLIENT_V1 = "/_matrix/client/v1/media";
    private static final String MEDIA_V3 = "/_matrix/media/v3";

    private final AccessTokens accessTokens;
    private final Uploads uploads;
    private final Downloads downloads;
    private final Thumbnails thumbnails;
    private final Optional<UrlPreviews> previews;

    /** @param previews URL previews, or empty when they are turned off (the endpoint is then not served) */
    public MediaRoutes(
            AccessTokens accessTokens,
            Uploads uploads,
            Downloads downloads,
            Thumbnails thumbnails,
            Optional<UrlPreviews> previews) {
        this.accessTokens = requireNonNull(accessTokens, "accessTokens is null");
        this.uploads = requireNonNull(uploads, "uploads is null");
        this.downloads = requireNonNull(downloads, "downloads is null");
        this.thumbnails = requireNonNull(thumbnails, "thumbnails is null");
        this.previews = requireNonNull(previews, "previews is null");
    }

    public RouterFunction<ServerResponse> routes(MatrixRouter router) {
        MatrixRouter.Builder builder = router.builder();
        previews.ifPresent(urlPreviews -> builder.GET(CLIENT_V1 + "/preview_url", this::previewUrl)
                .GET(MEDIA_V3 + "/preview_url", this::previewUrl));
        return builder.POST(MEDIA_V3 + "/upload", this::upload)
                .POST("/_matrix/media/v1/create", this::create)
                .PUT(MEDIA_V3 + "/upload/{serverName}/{mediaId}", this::uploadTo)
                .GET(CLIENT_V1 + "/config", this::config)
                .GET(MEDIA_V3 + "/config", this::config)
                .GET(CLIENT_V1 + "/download/{serverName}/{mediaId}", this::download)
                .GET(CLIENT_V1 + "/download/{serverName}/{mediaId}/{fileName}", this::download)
                .GET(CLIENT_V1 + "/thumbnail/{serverName}/{mediaId}", this::thumbnail)
                .GET(MEDIA_V3 + "/download/{serverName}/{mediaId}", this::legacyDownload)
                .GET(MEDIA_V3 + "/download/{serverName}/{mediaId}/{fileName}", this::legacyDownload)
                .GET(MEDIA_V3 + "/thumbnail/{serverName}/{mediaId}", this::legacyThumbnail)
                .build();
    }

    /**
     * {@code POST /_matrix/media/v3/upload}: the body is streamed to storage, never buffered whole.
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixmediav3upload">spec</a>
     */
    private Mono<ServerResponse> upload(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> uploads.upload(
                        device,
                        new Uploads.Upload(
                                Optional.ofNullable(request.headers().firstHeader(HttpHeaders.CONTENT_TYPE)),
                                request.queryParam("filename").filter(name -> !name.isEmpty()),
                                request.headers().contentLength(),
                                request.body(BodyExtractors.toDataBuffers()))))
                .flatMap(uri ->
                        json(new JsonObjectBuilder().put("content_uri", uri).build()));
    }

    /**
     * {@code POST /_matrix/media/v1/create}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#post_matrixmediav1create">spec</a>
     */
    private Mono<ServerResponse> create(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(uploads::create)
                .flatMap(answer -> json(new JsonObjectBuilder()
                        .put("content_uri", (String) answer.get("content_uri"))
                        .put("unused_expires_at", (Long) answer.get("unused_expires_at"))
                        .build()));
    }

    /**
     * {@code PUT /_matrix/media/v3/upload/{serverName}/{mediaId}}: the content of a created media ID, streamed.
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#put_matrixmediav3uploadservernamemediaid">spec</a>
     */
    private Mono<ServerResponse> uploadTo(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> uploads.uploadTo(
                        device,
                        request.pathVariable("serverName"),
                        request.pathVariable("mediaId"),
                        new Uploads.Upload(
                                Optional.ofNullable(request.headers().firstHeader(HttpHeaders.CONTENT_TYPE)),
                                request.queryParam("filename").filter(name -> !name.isEmpty()),
                                request.headers().contentLength(),
                                request.body(BodyExtractors.toDataBuffers()))))
                .then(json(JsonObject.EMPTY));
    }

    /**
     * {@code GET /_matrix/client/v1/media/config} (and the deprecated {@code /_matrix/media/v3/config}, which also
     * requires authentication).
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1mediaconfig">spec</a>
     */
    private Mono<ServerResponse> config(ServerRequest request) {
        return accessTokens
                .authenticate(request)
                .flatMap(device -> json(new JsonObjectBuilder()
                        .put("m.upload.size", uploads.maxUploadSize())
                        .build()));
    }

    /**
     * {@code GET /_matrix/client/v1/media/download/{serverName}/{mediaId}[/{fileName}]}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1mediadownloadservernamemediaid">spec</a>
     */
    private Mono<ServerResponse> download(ServerRequest request) {
        return accessTokens.authenticate(request).flatMap(device -> download(request, Access.AUTHENTICATED));
    }

    /**
     * {@code GET /_matrix/media/v3/download/{serverName}/{mediaId}[/{fileName}]}, deprecated and frozen.
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixmediav3downloadservernamemediaid">spec</a>
     */
    private Mono<ServerResponse> legacyDownload(ServerRequest request) {
        return Mono.defer(() -> download(request, Access.UNAUTHENTICATED));
    }

    private Mono<ServerResponse> download(ServerRequest request, Access access) {
        Optional<String> fileName = request.pathVariables().containsKey("fileName")
                ? Optional.of(request.pathVariable("fileName"))
                : Optional.empty();
        return downloads
                .download(
                        request.pathVariable("serverName"),
                        request.pathVariable("mediaId"),
                        fileName,
                        access,
                        wait(request))
                .flatMap(MediaRoutes::send);
    }

    /**
     * {@code GET /_matrix/client/v1/media/preview_url} (and the deprecated {@code /_matrix/media/v3/preview_url}, also
     * authenticated): {@code url} required, {@code ts} an optional integer.
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1mediapreview_url">spec</a>
     */
    private Mono<ServerResponse> previewUrl(ServerRequest request) {
        return accessTokens.authenticate(request).flatMap(device -> {
            String url = request.queryParam("url")
                    .filter(u -> !u.isEmpty())
                    .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, "url is required"));
            OptionalLong ts;
            try {
                ts = request.queryParam("ts")
                        .map(value -> OptionalLong.of(Long.parseLong(value)))
                        .orElse(OptionalLong.empty());
            } catch (NumberFormatException e) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "ts must be an integer");
            }
            return previews.orElseThrow().preview(device, url, ts).flatMap(MediaRoutes::json);
        });
    }

    /**
     * {@code GET /_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}}
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1mediathumbnailservernamemediaid">spec</a>
     */
    private Mono<ServerResponse> thumbnail(ServerRequest request) {
        return accessTokens.authenticate(request).flatMap(device -> thumbnail(request, Access.AUTHENTICATED));
    }

    /**
     * {@code GET /_matrix/media/v3/thumbnail/{serverName}/{mediaId}}, deprecated and frozen.
     *
     * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#get_matrixmediav3thumbnailservernamemediaid">spec</a>
     */
    private Mono<ServerResponse> legacyThumbnail(ServerRequest request) {
        return Mono.defer(() -> thumbnail(request, Access.UNAUTHENTICATED));
    }

    /**
     * Decodes the query: {@code width} and {@code height} are required positive integers, {@code method} is
     * {@code crop} or {@code scale} ({@code scale} when absent, as Synapse), {@code animated} a boolean, {@code timeout_ms}
     * as for downloads. Animated thumbnails are not made, which the spec allows ("if possible and supported").
     */
    private Mono<ServerResponse> thumbnail(ServerRequest request, Access access) {
        int width = dimension(request, "width");
        int height = dimension(request, "height");
        ThumbnailSize.Method method = switch (request.queryParam("method").orElse("scale")) {
            case "crop" -> ThumbnailSize.Method.CROP;
            case "scale" -> ThumbnailSize.Method.SCALE;
            default -> throw new MatrixException(ErrorCode.INVALID_PARAM, "method must be crop or scale");
        };
        request.queryParam("animated").ifPresent(animated -> {
            if (!animated.equals("true") && !animated.equals("false")) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "animated must be true or false");
            }
        });
        return thumbnails
                .thumbnail(
                        new Thumbnails.Request(
                                request.pathVariable("serverName"),
                                request.pathVariable("mediaId"),
                                width,
                                height,
                                method,
                                wait(request)),
                        access)
                .flatMap(MediaRoutes::send);
    }

    /**
     * {@code timeout_ms}: how long to wait for the content of a media ID created for an asynchronous upload; the
     * spec's 20 s when absent, at most {@link MediaLookup#MAX_WAIT} (the spec asks for a maximum). Not a non-negative
     * integer: 400 {@code M_INVALID_PARAM}.
     */
    private static Duration wait(ServerRequest request) {
        Optional<String> value = request.queryParam("timeout_ms");
        if (value.isEmpty()) {
            return MediaLookup.DEFAULT_WAIT;
        }
        long millis;
        try {
            millis = Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "timeout_ms must be an integer");
        }
        if (millis < 0) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "timeout_ms must not be negative");
        }
        return Duration.ofMillis(Math.min(millis, MediaLookup.MAX_WAIT.toMillis()));
    }

    private static int dimension(ServerRequest request, String name) {
        String value = request.queryParam(name)
                .orElseThrow(() -> new MatrixException(ErrorCode.MISSING_PARAM, name + " is required"));
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, name + " must be an integer");
        }
        if (parsed <= 0) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, name + " must be positive");
        }
        return parsed;
    }

    /** Streams content with the media headers; the length is known, so no chunked encoding. */
    private static Mono<ServerResponse> send(Downloads.Content content) {
        return ServerResponse.ok()
                .headers(headers -> MediaHeaders.set(headers, content.contentType(), content.fileName()))
                .contentLength(content.size())
                .body(BodyInserters.fromDataBuffers(content.body()));
    }

    private static Mono<ServerResponse> json(JsonObject body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(CanonicalJson.encode(body));
    }
}
