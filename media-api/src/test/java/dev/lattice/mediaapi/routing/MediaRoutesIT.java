package dev.lattice.mediaapi.routing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lattice.api.federationapi.RemoteMediaApi;
import dev.lattice.mediaapi.MediaApiConfiguration;
import dev.lattice.mediaapi.TestImages;
import dev.lattice.mediaapi.config.MediaApiProperties;
import dev.lattice.mediaapi.internal.RemoteMediaCache;
import dev.lattice.mediaapi.internal.ThumbnailSize;
import dev.lattice.mediaapi.storage.LocalMediaStore;
import dev.lattice.mediaapi.storage.MediaApiDatabase;
import dev.lattice.mediaapi.storage.MediaStore;
import dev.lattice.mediaapi.storage.postgres.PostgresMediaApiDatabase;
import dev.lattice.mediaapi.storage.s3.MotoS3;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.http.AccessTokens;
import dev.lattice.runtime.http.KnownRoutes;
import dev.lattice.runtime.http.MatrixErrorHandler;
import dev.lattice.runtime.http.MatrixRouter;
import dev.lattice.testing.TestInfra;
import dev.lattice.testing.TestingUserApi;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The media endpoints bound without a server ({@link WebTestClient#bindToRouterFunction}), over real PostgreSQL and a
 * real media directory: uploads, downloads with their headers, the legacy freeze, and thumbnails.
 */
class MediaRoutesIT {
    private static final String SERVER = "test.lattice";
    private static final long MAX_UPLOAD = 1024 * 1024;
    private static final Pattern CONTENT_URI =
            Pattern.compile("\\{\"content_uri\":\"mxc://test\\.lattice/([A-Za-z0-9_-]+)\"}");
    private static final String CSP = "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf;"
            + " style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";

    private static final TestingUserApi USERS = new TestingUserApi();
    private static MediaApiDatabase database;
    private static Path root;
    private static WebTestClient client;
    /** Other servers' media, as the federation-api would fetch it. */
    private static final OtherServers REMOTE = new OtherServers();
    /** The same media, served by a server whose federation is off. */
    private static WebTestClient federationOff;
    /** The same media, served by a server with {@code enable-authenticated-media: false}. */
    private static WebTestClient unfrozen;

    @BeforeAll
    static void start() throws IOException {
        database = new PostgresMediaApiDatabase(TestInfra.migrated("mediaapi"));
        root = Files.createTempDirectory("media-routes-it");
        LocalMediaStore store = new LocalMediaStore(root);
        client = client(store, true);
        unfrozen = client(store, false);
        federationOff = client(store, true, Optional.empty(), PREVIEWS_OFF);
        startPages();
    }

    /** URL previews allowed to reach the test's pages on 127.0.0.2, and nothing else on loopback. */
    private static final MediaApiProperties.UrlPreview PREVIEWS = new MediaApiProperties.UrlPreview(
            true, null, List.of("127.0.0.2/32"), DataSize.ofMegabytes(1), Duration.ofSeconds(5));

    private static final MediaApiProperties.UrlPreview PREVIEWS_OFF =
            new MediaApiProperties.UrlPreview(false, null, List.of(), DataSize.ofMegabytes(1), Duration.ofSeconds(5));

    private static String sha256(String mediaId) {
        return database.localMedia(mediaId).block().orElseThrow().sha256();
    }

    private static WebTestClient client(MediaStore store, boolean authenticatedMedia) {
        return client(store, authenticatedMedia, Optional.of(REMOTE), PREVIEWS);
    }

    /** Generous enough for every test but the one of the limit itself. */
    private static final MediaApiProperties.UploadRate UNLIMITED = new MediaApiProperties.UploadRate(1000, 1000);

    private static WebTestClient client(
            MediaStore store,
            boolean authenticatedMedia,
            Optional<RemoteMediaApi> federation,
            MediaApiProperties.UrlPreview previews) {
        return client(
                store,
                federation,
                properties(authenticatedMedia, previews, UNLIMITED, 0, MediaApiProperties.ThumbnailSettings.DEFAULT));
    }

    /** The test server's settings with these thumbnail settings. */
    private static MediaApiProperties properties(MediaApiProperties.ThumbnailSettings thumbnails) {
        return properties(true, PREVIEWS, UNLIMITED, 0, thumbnails);
    }

    /** The test server's settings: local files, {@code MAX_UPLOAD}, 32 megapixels, and these. */
    private static MediaApiProperties properties(
            boolean authenticatedMedia,
            MediaApiProperties.UrlPreview previews,
            MediaApiProperties.UploadRate rate,
            long quota,
            MediaApiProperties.ThumbnailSettings thumbnails) {
        return new MediaApiProperties(
                DataSize.ofBytes(MAX_UPLOAD),
                32_000_000,
                MediaApiProperties.Store.LOCAL,
                null,
                MediaApiProperties.S3.NONE,
                authenticatedMedia,
                previews,
                rate,
                DataSize.ofBytes(quota),
                thumbnails);
    }

    private static WebTestClient client(
            MediaStore store, Optional<RemoteMediaApi> federation, MediaApiProperties properties) {
        KnownRoutes known = new KnownRoutes();
        RouterFunction<ServerResponse> routes = MediaApiConfiguration.routes(
                new MatrixRouter(known),
                new AccessTokens(() -> USERS, Clock.systemUTC()),
                () -> USERS,
                database,
                store,
                new RemoteMediaCache(database, store, () -> federation, MAX_UPLOAD, Clock.systemUTC()),
                SERVER,
                properties,
                Clock.systemUTC());
        return WebTestClient.bindToRouterFunction(routes)
                .handlerStrategies(HandlerStrategies.builder()
                        .exceptionHandler(new MatrixErrorHandler(known))
                        .build())
                .configureClient()
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static UserId newUser() {
        return UserId.parse("@u" + UUID.randomUUID().toString().substring(0, 8) + ":" + SERVER);
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    /** Uploads {@code bytes}; the new media ID. */
    private static String upload(String token, byte[] bytes, String contentType, String fileName) {
        return upload(client, token, bytes, contentType, fileName);
    }

    /** Uploads {@code bytes} through {@code client}, without a Content-Type if it is null; the new media ID. */
    private static String upload(
            WebTestClient client, String token, byte[] bytes, String contentType, String fileName) {
        WebTestClient.RequestBodySpec request = client.post()
                .uri(uri -> uri.path("/_matrix/media/v3/upload")
                        .queryParamIfPresent("filename", java.util.Optional.ofNullable(fileName))
                        .build())
                .header("Authorization", "Bearer " + token);
        if (contentType != null) {
            request = request.header("Content-Type", contentType);
        }
        String body = request.bodyValue(bytes)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        Matcher matcher = CONTENT_URI.matcher(body);
        assertThat(matcher.matches()).as(body).isTrue();
        return matcher.group(1);
    }

    private static EntityExchangeResult<byte[]> download(WebTestClient client, String token, String path) {
        // As a URI, so percent-escapes in the path reach the server as written.
        WebTestClient.RequestHeadersSpec<?> request = client.get().uri(java.net.URI.create(path));
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.exchange().expectBody(byte[].class).returnResult();
    }

    private static void assertError(EntityExchangeResult<byte[]> result, int status, String errcode) {
        assertThat(result.getStatus().value()).isEqualTo(status);
        assertThat(new String(result.getResponseBody(), UTF_8)).contains("\"errcode\":\"" + errcode + "\"");
    }

    private static long filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    // ---- upload and download ----

    @Test
    void uploadThenDownloadGivesTheExactBytesAndTheSpecHeaders() {
        String token = USERS.login(newUser());
        byte[] bytes = randomBytes(300_000); // several chunks each way
        String mediaId = upload(token, bytes, "application/pdf", "report final.pdf");

        EntityExchangeResult<byte[]> result =
                download(client, token, "/_matrix/client/v1/media/download/" + SERVER + "/" + mediaId);
        assertThat(result.getStatus().value()).isEqualTo(200);
        assertThat(result.getResponseBody()).isEqualTo(bytes);
        var headers = result.getResponseHeaders();
        assertThat(headers.getFirst("Content-Type")).isEqualTo("application/pdf");
        assertThat(headers.getFirst("Content-Length")).isEqualTo("300000");
        // Not a type that may be inline; the name has a space, so RFC 5987 encoding.
        assertThat(headers.getFirst("Content-Disposition"))
                .isEqualTo("attachment; filename*=utf-8''report%20final.pdf");
        assertThat(headers.getFirst("Content-Security-Policy")).isEqualTo(CSP);
        assertThat(headers.getFirst("Cross-Origin-Resource-Policy")).isEqualTo("cross-origin");
        assertThat(headers.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void safeTypesAreInlineAndTheFilenameInThePathWins() {
        String token = USERS.login(newUser());
        byte[] png = TestImages.image("png", 10, 10);
        String mediaId = upload(token, png, "image/png", "cat.png");
        String base = "/_matrix/client/v1/media/download/" + SERVER + "/" + mediaId;

        assertThat(download(client, token, base).getResponseHeaders().getFirst("Content-Disposition"))
                .isEqualTo("inline; filename=cat.png");
        EntityExchangeResult<byte[]> renamed = download(client, token, base + "/caf%C3%A9.png");
        assertThat(renamed.getResponseHeaders().getFirst("Content-Disposition"))
                .isEqualTo("inline; filename*=utf-8''caf%C3%A9.png");
        assertThat(renamed.getResponseBody()).isEqualTo(png);

        String unnamed = upload(token, "hello".getBytes(UTF_8), "text/html", null);
        EntityExchangeResult<byte[]> html =
                download(client, token, "/_matrix/client/v1/media/download/" + SERVER + "/" + unnamed);
        assertThat(html.getResponseHeaders().getFirst("Content-Type")).isEqualTo("text/html");
        assertThat(html.getResponseHeaders().getFirst("Content-Disposition")).isEqualTo("attachment");
    }

    @Test
    void anUploadWithoutContentTypeIsOctetStreamAndIdenticalUploadsShareOneFile() throws IOException {
        String token = USERS.login(newUser());
        byte[] bytes = randomBytes(1000);
        String firstId = upload(client, token, bytes, null, null);
        long files = filesUnder(root.resolve("content"));
        String secondId = upload(token, bytes, "application/octet-stream", null);

        assertThat(secondId).isNotEqualTo(firstId);
        assertThat(filesUnder(root.resolve("content"))).isEqualTo(files);
        assertThat(database.localMedia(firstId).block().orElseThrow().sha256())
                .isEqualTo(database.localMedia(secondId).block().orElseThrow().sha256());
        assertThat(download(client, token, "/_matrix/client/v1/media/download/" + SERVER + "/" + firstId)
                        .getResponseHeaders()
                        .getFirst("Content-Type"))
                .isEqualTo("application/octet-stream");
    }

    @Test
    void anUploadOfExactlyTheLimitIsAccepted() {
        String token = USERS.login(newUser());
        byte[] bytes = randomBytes((int) MAX_UPLOAD);
        String mediaId = upload(token, bytes, "application/octet-stream", null);
        assertThat(download(client, token, "/_matrix/client/v1/media/download/" + SERVER + "/" + mediaId)
                        .getResponseBody())
                .isEqualTo(bytes);
    }

    @Test
    void aContentLengthOverTheLimitIsRefusedBeforeReadingTheBody() throws IOException {
        UserId user = newUser();
        String token = USERS.login(user);
        AtomicBoolean read = new AtomicBoolean();
        Flux<DataBuffer> body = Flux.defer(() -> {
            read.set(true);
            return Flux.<DataBuffer>just(DefaultDataBufferFactory.sharedInstance.wrap(randomBytes(10)));
        });
        long files = filesUnder(root);

        EntityExchangeResult<byte[]> result = client.post()
                .uri("/_matrix/media/v3/upload")
                .header("Authorization", "Bearer " + token)
                .header("Content-Length", Long.toString(MAX_UPLOAD + 1))
                .body(body, DataBuffer.class)
                .exchange()
                .expectBody(byte[].class)
                .returnResult();

        assertError(result, 413, "M_TOO_LARGE");
        assertThat(read).isFalse();
        assertThat(database.countLocalMediaOf(user.toString()).block()).isZero();
        assertThat(filesUnder(root)).isEqualTo(files);
    }

    @Test
    void aChunkedBodyCrossingTheLimitIsRefusedAndNothingIsStored() throws IOException {
        UserId user = newUser();
        String token = USERS.login(user);
        // 64 KiB chunks without a Content-Length: only counting while streaming can catch it.
        Flux<DataBuffer> body = Flux.range(0, (int) (MAX_UPLOAD / 65536) + 2)
                .<DataBuffer>map(i -> DefaultDataBufferFactory.sharedInstance.wrap(randomBytes(65536)));
        long files = filesUnder(root);

        EntityExchangeResult<byte[]> result = client.post()
                .uri("/_matrix/media/v3/upload")
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .body(body, DataBuffer.class)
                .exchange()
                .expectBody(byte[].class)
                .returnResult();

        assertThat(result.getRequestHeaders().getContentLength()).isEqualTo(-1);
        assertError(result, 413, "M_TOO_LARGE");
        assertThat(database.countLocalMediaOf(user.toString()).block()).isZero();
        assertThat(filesUnder(root)).isEqualTo(files);
        assertThat(filesUnder(root.resolve("tmp"))).isZero();
    }

    @Test
    void uploadAndDownloadNeedAnAccessToken() {
        String token = USERS.login(newUser());
        String mediaId = upload(token, randomBytes(10), "text/plain", null);
        assertError(
                client.post()
                        .uri("/_matrix/media/v3/upload")
                        .bodyValue(randomBytes(10))
                        .exchange()
                        .expectBody(byte[].class)
                        .returnResult(),
                401,
                "M_MISSING_TOKEN");
        assertError(
                download(client, null, "/_matrix/client/v1/media/download/" + SERVER + "/" + mediaId),
                401,
                "M_MISSING_TOKEN");
        assertError(
                download(client, "nonsense", "/_matrix/client/v1/media/download/" + SERVER + "/" + mediaId),
                401,
                "M_UNKNOWN_TOKEN");
    }

    @Test
    void unknownRemoteAndInvalidMediaAreNotFound() {
        String token = USERS.login(newUser());
        String mediaId = upload(token, randomBytes(10), "text/plain", null);
        String download = "/_matrix/client/v1/media/download/";
        assertError(download(client, token, download + SERVER + "/doesNotExist"), 404, "M_NOT_FOUND");
        // Media another server does not have.
        assertError(download(client, token, download + "other.example/" + mediaId), 404, "M_NOT_FOUND");
        // IDs outside [A-Za-z0-9_-]: traversal attempts never reach storage.
        assertError(download(client, token, download + SERVER + "/..%2F..%2Fetc%2Fpasswd"), 404, "M_NOT_FOUND");
        assertError(download(client, token, download + SERVER + "/a.b"), 404, "M_NOT_FOUND");
        assertError(download(client, token, download + "bad_server!/" + mediaId), 400, "M_INVALID_PARAM");
        assertError(
                download(
                        client,
                        token,
                        "/_matrix/client/v1/media/thumbnail/" + SERVER + "/doesNotExist?width=32&height=32"),
                404,
                "M_NOT_FOUND");
    }

    @Test
    void configAnnouncesTheUploadLimit() {
        String token = USERS.login(newUser());
        for (String path : new String[] {"/_matrix/client/v1/media/config", "/_matrix/media/v3/config"}) {
            client.get()
                    .uri(path)
                    .header("Authorization", "Bearer " + token)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .json("{\"m.upload.size\": " + MAX_UPLOAD + "}");
        }
    }

    // ---- the legacy unauthenticated endpoints ----

    @Test
    void legacyEndpointsServeOnlyMediaUploadedBeforeTheFreeze() {
        String token = USERS.login(newUser());
        byte[] png = TestImages.image("png", 100, 100);
        String frozen = upload(token, png, "image/png", null); // enable-authenticated-media: true
        String unfrozenId = upload(unfrozen, token, png, "image/png", null);

        assertError(download(client, null, "/_matrix/media/v3/download/" + SERVER + "/" + frozen), 404, "M_NOT_FOUND");
        assertError(
                download(client, null, "/_matrix/media/v3/thumbnail/" + SERVER + "/" + frozen + "?width=32&height=32"),
                404,
                "M_NOT_FOUND");
        // Authenticated, it is there.
        assertThat(download(client, token, "/_matrix/client/v1/media/download/" + SERVER + "/" + frozen)
                        .getStatus()
                        .value())
                .isEqualTo(200);
        // Media uploaded while the switch was off stays reachable without a token, whichever way the switch is now.
        EntityExchangeResult<byte[]> legacy =
                download(client, null, "/_matrix/media/v3/download/" + SERVER + "/" + unfrozenId + "/a.png");
        assertThat(legacy.getStatus().value()).isEqualTo(200);
        assertThat(legacy.getResponseBody()).isEqualTo(png);
        assertThat(legacy.getResponseHeaders().getFirst("Content-Disposition")).isEqualTo("inline; filename=a.png");
        assertThat(download(
                                client,
                                null,
                                "/_matrix/media/v3/thumbnail/" + SERVER + "/" + unfrozenId
                                        + "?width=32&height=32&method=crop")
                        .getStatus()
                        .value())
                .isEqualTo(200);
    }

    // ---- thumbnails ----

    private static EntityExchangeResult<byte[]> thumbnail(String token, String mediaId, String query) {
        return download(client, token, "/_matrix/client/v1/media/thumbnail/" + SERVER + "/" + mediaId + "?" + query);
    }

    private static BufferedImage thumbnailImage(String token, String mediaId, String query, String contentType) {
        EntityExchangeResult<byte[]> result = thumbnail(token, mediaId, query);
        assertThat(result.getStatus().value())
                .as(new String(result.getResponseBody(), UTF_8))
                .isEqualTo(200);
        assertThat(result.getResponseHeaders().getFirst("Content-Type")).isEqualTo(contentType);
        assertThat(result.getResponseHeaders().getFirst("Content-Disposition"))
                .isEqualTo("inline; filename=" + (contentType.equals("image/png") ? "thumbnail.png" : "thumbnail.jpg"));
        assertThat(result.getResponseHeaders().getFirst("Content-Security-Policy"))
                .isEqualTo(CSP);
        return TestImages.decode(result.getResponseBody());
    }

    @Test
    void pngThumbnailsCropAndScaleToTheStandardSizes() {
        String token = USERS.login(newUser());
        String mediaId = upload(token, TestImages.image("png", 1000, 500), "image/png", "wide.png");

        BufferedImage crop = thumbnailImage(token, mediaId, "width=96&height=96&method=crop", "image/png");
        assertThat(new int[] {crop.getWidth(), crop.getHeight()}).containsExactly(96, 96);
        // 40x40 is served by the smallest crop at least as large: 96x96, not 32x32.
        BufferedImage small = thumbnailImage(token, mediaId, "width=40&height=40&method=crop", "image/png");
        assertThat(new int[] {small.getWidth(), small.getHeight()}).containsExactly(96, 96);
        // Scale keeps the aspect ratio inside 320x240.
        BufferedImage scale = thumbnailImage(token, mediaId, "width=300&height=200&method=scale", "image/png");
        assertThat(new int[] {scale.getWidth(), scale.getHeight()}).containsExactly(320, 160);
        // The method defaults to scale.
        BufferedImage defaulted = thumbnailImage(token, mediaId, "width=600&height=400", "image/png");
        assertThat(new int[] {defaulted.getWidth(), defaulted.getHeight()}).containsExactly(640, 320);

        // Generated once, then served from the cache.
        var cached = database.thumbnail(sha256(mediaId), 96, 96, "crop").block().orElseThrow();
        assertThat(cached.contentType()).isEqualTo("image/png");
        assertThat(thumbnail(token, mediaId, "width=96&height=96&method=crop").getResponseBody())
                .hasSize((int) cached.size());
    }

    @Test
    void jpegThumbnailsStayJpegWithoutTheOriginalsMetadata() {
        String token = USERS.login(newUser());
        String mediaId = upload(token, TestImages.jpegWithComment(1200, 900, "SECRET-GPS-48.85N"), "image/jpeg", null);

        BufferedImage scale = thumbnailImage(token, mediaId, "width=640&height=480&method=scale", "image/jpeg");
        assertThat(new int[] {scale.getWidth(), scale.getHeight()}).containsExactly(640, 480);
        BufferedImage crop = thumbnailImage(token, mediaId, "width=32&height=32&method=crop", "image/jpeg");
        assertThat(new int[] {crop.getWidth(), crop.getHeight()}).containsExactly(32, 32);
        assertThat(new String(
                        thumbnail(token, mediaId, "width=640&height=480&method=scale")
                                .getResponseBody(),
                        java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("SECRET-GPS");
    }

    @Test
    void theExifOrientationOfAJpegIsHonoured() {
        String token = USERS.login(newUser());
        // Stored 1200x900, left half red; orientation 6: shown turned a quarter clockwise, 900x1200, red on top.
        String mediaId = upload(token, TestImages.jpegWithOrientation(1200, 900, 6), "image/jpeg", null);
        BufferedImage scale = thumbnailImage(token, mediaId, "width=640&height=480&method=scale", "image/jpeg");
        assertThat(new int[] {scale.getWidth(), scale.getHeight()}).containsExactly(360, 480);
        assertThat(new java.awt.Color(scale.getRGB(180, 60)).getRed()).isGreaterThan(200);
        assertThat(new java.awt.Color(scale.getRGB(180, 420)).getBlue()).isGreaterThan(200);
        // Orientation 1 (or none) leaves it as stored.
        String upright = upload(token, TestImages.jpegWithOrientation(1200, 900, 1), "image/jpeg", null);
        BufferedImage plain = thumbnailImage(token, upright, "width=640&height=480&method=scale", "image/jpeg");
        assertThat(new int[] {plain.getWidth(), plain.getHeight()}).containsExactly(640, 480);
    }

    @Test
    void imagesSmallerThanTheSizeAreNeverUpscaled() {
        String token = USERS.login(newUser());
        String mediaId = upload(token, TestImages.image("png", 20, 10), "image/png", null);
        BufferedImage crop = thumbnailImage(token, mediaId, "width=32&height=32&method=crop", "image/png");
        assertThat(new int[] {crop.getWidth(), crop.getHeight()}).containsExactly(20, 10);
        BufferedImage scale = thumbnailImage(token, mediaId, "width=320&height=240&method=scale", "image/png");
        assertThat(new int[] {scale.getWidth(), scale.getHeight()}).containsExactly(20, 10);
    }

    @Test
    void everySizeOfAnUploadedImageIsMadeAheadOfItsFirstRequest() {
        String token = USERS.login(newUser());
        String mediaId = upload(token, TestImages.image("jpeg", 1200, 900), "image/jpeg", null);
        String sha256 = sha256(mediaId);

        for (ThumbnailSize size : ThumbnailSize.STANDARD) {
            assertThat(eventually(() -> database.thumbnail(
                                    sha256,
                                    size.width(),
                                    size.height(),
                                    size.method().value())
                            .block()))
                    .as(size.toString())
                    .isPresent();
        }
        // Served from what was made: the same bytes as the stored row.
        EntityExchangeResult<byte[]> served = thumbnail(token, mediaId, "width=320&height=240&method=scale");
        assertThat((long) served.getResponseBody().length)
                .isEqualTo(database.thumbnail(sha256, 320, 240, "scale")
                        .block()
                        .orElseThrow()
                        .size());
    }

    @Test
    void onlyTheConfiguredSizesAreMadeAndWithoutPregenerationOnlyWhenAsked() throws IOException {
        WebTestClient configured = client(
                new LocalMediaStore(root),
                Optional.of(REMOTE),
                properties(new MediaApiProperties.ThumbnailSettings(List.of("1024x768-scale", "48x48-crop"), false)));
        String token = USERS.login(newUser());
        String mediaId = upload(configured, token, TestImages.image("png", 2000, 1000), "image/png", null);
        String sha256 = sha256(mediaId);

        EntityExchangeResult<byte[]> small = download(
                configured,
                token,
                "/_matrix/client/v1/media/thumbnail/" + SERVER + "/" + mediaId + "?width=40&height=40&method=crop");
        BufferedImage crop = TestImages.decode(small.getResponseBody());
        assertThat(new int[] {crop.getWidth(), crop.getHeight()}).containsExactly(48, 48);
        EntityExchangeResult<byte[]> large = download(
                configured,
                token,
                "/_matrix/client/v1/media/thumbnail/" + SERVER + "/" + mediaId + "?width=320&height=240");
        BufferedImage scale = TestImages.decode(large.getResponseBody());
        assertThat(new int[] {scale.getWidth(), scale.getHeight()}).containsExactly(1024, 512);
        // Nothing else was made: not ahead (pregenerate off), not in a standard size.
        assertThat(database.thumbnail(sha256, 32, 32, "crop").block()).isEmpty();
        assertThat(database.thumbnail(sha256, 320, 240, "scale").block()).isEmpty();
    }

    /** Waits up to 10 s for {@code probe} to give a present Optional; the last answer. */
    private static <T> Optional<T> eventually(java.util.function.Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Optional<T> answer = probe.get();
        while (answer.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            answer = probe.get();
        }
        return answer;
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeader() {
        String token = USERS.login(newUser());
        // 400 megapixels: 1.6 GB decoded. Its data is truncated, so decoding would fail with 400, not 413.
        String mediaId = upload(token, TestImages.pngHeaderOnly(20_000, 20_000), "image/png", null);
        assertError(thumbnail(token, mediaId, "width=96&height=96&method=crop"), 413, "M_TOO_LARGE");
        assertThat(database.thumbnail(sha256(mediaId), 96, 96, "crop").block()).isEmpty();
    }

    @Test
    void contentThatIsNotAnImageCannotBeThumbnailed() {
        String token = USERS.login(newUser());
        String fake = upload(token, "this is not a PNG".getBytes(UTF_8), "image/png", null);
        assertError(thumbnail(token, fake, "width=96&height=96&method=crop"), 400, "M_UNKNOWN");
        String pdf = upload(token, randomBytes(100), "application/pdf", null);
        assertError(thumbnail(token, pdf, "width=96&height=96"), 400, "M_UNKNOWN");
        // A truncated PNG: a valid header, no image data.
        String truncated = upload(token, TestImages.pngHeaderOnly(100, 100), "image/png", null);
        assertError(thumbnail(token, truncated, "width=96&height=96"), 400, "M_UNKNOWN");
    }

    @Test
    void thumbnailParametersAreChecked() {
        String token = USERS.login(newUser());
        String mediaId = upload(token, TestImages.image("png", 100, 100), "image/png", null);
        assertError(thumbnail(token, mediaId, "height=96"), 400, "M_MISSING_PARAM");
        assertError(thumbnail(token, mediaId, "width=ten&height=96"), 400, "M_INVALID_PARAM");
        assertError(thumbnail(token, mediaId, "width=-5&height=96"), 400, "M_INVALID_PARAM");
        assertError(thumbnail(token, mediaId, "width=96&height=96&method=stretch"), 400, "M_INVALID_PARAM");
        assertError(thumbnail(token, mediaId, "width=96&height=96&animated=maybe"), 400, "M_INVALID_PARAM");
        assertThat(thumbnail(token, mediaId, "width=96&height=96&animated=true")
                        .getStatus()
                        .value())
                .isEqualTo(200);
    }

    // ---- other servers' media ----

    @Test
    void remoteMediaIsFetchedOnceStoredAndServedWithItsTypeAndName() throws Exception {
        String token = USERS.login(newUser());
        byte[] bytes = randomBytes(200_000);
        String mediaId =
                REMOTE.add("remote.example", bytes, "application/pdf", "remote report.pdf", Duration.ofMillis(300));
        String path = "/_matrix/client/v1/media/download/remote.example/" + mediaId;

        // Five clients at once while the fetch is slow: one fetch, five identical answers.
        List<EntityExchangeResult<byte[]>> results = Flux.range(0, 5)
                .parallel(5)
                .runOn(Schedulers.boundedElastic())
                .map(i -> download(client, token, path))
                .sequential()
                .collectList()
                .block();
        for (EntityExchangeResult<byte[]> result : results) {
            assertThat(result.getStatus().value()).isEqualTo(200);
            assertThat(result.getResponseBody()).isEqualTo(bytes);
            assertThat(result.getResponseHeaders().getFirst("Content-Type")).isEqualTo("application/pdf");
            assertThat(result.getResponseHeaders().getFirst("Content-Disposition"))
                    .isEqualTo("attachment; filename*=utf-8''remote%20report.pdf");
            assertThat(result.getResponseHeaders().getFirst("Content-Security-Policy"))
                    .isEqualTo(CSP);
        }
        assertThat(REMOTE.fetches("remote.example", mediaId)).isEqualTo(1);
        var cached = database.remoteMedia("remote.example", mediaId).block().orElseThrow();
        assertThat(cached.size()).isEqualTo(bytes.length);
        assertThat(Files.readAllBytes(root.resolve("content")
                        .resolve(cached.sha256().substring(0, 2))
                        .resolve(cached.sha256().substring(2, 4))
                        .resolve(cached.sha256())))
                .isEqualTo(bytes);

        // Later downloads come from the cache, even with the other server gone.
        REMOTE.remove("remote.example", mediaId);
        assertThat(download(client, token, path).getResponseBody()).isEqualTo(bytes);
        assertThat(REMOTE.fetches("remote.example", mediaId)).isEqualTo(1);
    }

    @Test
    void remoteImagesAreThumbnailedHere() {
        String token = USERS.login(newUser());
        String mediaId =
                REMOTE.add("remote.example", TestImages.image("png", 800, 400), "image/png", null, Duration.ZERO);
        BufferedImage thumbnail = TestImages.decode(download(
                        client,
                        token,
                        "/_matrix/client/v1/media/thumbnail/remote.example/" + mediaId + "?width=320&height=240")
                .getResponseBody());
        assertThat(new int[] {thumbnail.getWidth(), thumbnail.getHeight()}).containsExactly(320, 160);
        assertThat(REMOTE.fetches("remote.example", mediaId)).isEqualTo(1);
    }

    @Test
    void remoteFailuresAreTheSpecsErrorsAndStoreNothing() {
        String token = USERS.login(newUser());
        String download = "/_matrix/client/v1/media/download/";
        // Larger than our limit: 502 M_TOO_LARGE (the spec's answer for content too large to serve), nothing kept.
        String large =
                REMOTE.add("remote.example", randomBytes((int) MAX_UPLOAD + 1), "image/png", null, Duration.ZERO);
        assertError(download(client, token, download + "remote.example/" + large), 502, "M_TOO_LARGE");
        assertThat(database.remoteMedia("remote.example", large).block()).isEmpty();
        // A server that cannot be reached: 502, and the next request tries again.
        String flaky = REMOTE.add("down.example", randomBytes(10), "text/plain", null, Duration.ZERO);
        REMOTE.failNext("down.example", flaky);
        assertError(download(client, token, download + "down.example/" + flaky), 502, "M_UNKNOWN");
        assertThat(download(client, token, download + "down.example/" + flaky)
                        .getStatus()
                        .value())
                .isEqualTo(200);
    }

    @Test
    void remoteMediaNeedsFederationAndTheAuthenticatedEndpoints() {
        String token = USERS.login(newUser());
        String mediaId = REMOTE.add("remote.example", randomBytes(10), "text/plain", null, Duration.ZERO);
        assertError(
                download(federationOff, token, "/_matrix/client/v1/media/download/remote.example/" + mediaId),
                404,
                "M_NOT_FOUND");
        // The deprecated unauthenticated endpoints never fetch (the freeze), even with it off.
        assertError(
                download(unfrozen, null, "/_matrix/media/v3/download/remote.example/" + mediaId), 404, "M_NOT_FOUND");
        assertThat(REMOTE.fetches("remote.example", mediaId)).isZero();
    }

    /**
     * Other servers as {@link RemoteMediaApi} shows them to the media-api: media by server and ID, optionally slow
     * or failing once, counting fetches. The federation side itself is tested against a real Synapse
     * (e2e/federation).
     */
    private static final class OtherServers implements RemoteMediaApi {
        private record Media(byte[] bytes, String contentType, Optional<String> fileName, Duration delay) {}

        private final Map<String, Media> media = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
        private final Set<String> failing = ConcurrentHashMap.newKeySet();

        String add(String server, byte[] bytes, String contentType, String fileName, Duration delay) {
            String mediaId = UUID.randomUUID().toString().replace("-", "");
            media.put(server + "/" + mediaId, new Media(bytes, contentType, Optional.ofNullable(fileName), delay));
            return mediaId;
        }

        void remove(String server, String mediaId) {
            media.remove(server + "/" + mediaId);
        }

        void failNext(String server, String mediaId) {
            failing.add(server + "/" + mediaId);
        }

        int fetches(String server, String mediaId) {
            AtomicInteger count = fetches.get(server + "/" + mediaId);
            return count == null ? 0 : count.get();
        }

        @Override
        public <T> Mono<T> downloadRemoteMedia(ServerName server, String mediaId, long maxBytes, MediaSink<T> sink) {
            String key = server.value() + "/" + mediaId;
            fetches.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (failing.remove(key)) {
                return Mono.error(new MatrixException(ErrorCode.UNKNOWN, "unreachable").withHttpStatus(502));
            }
            Media found = media.get(key);
            if (found == null) {
                return Mono.error(new MatrixException(ErrorCode.NOT_FOUND, "Media not found"));
            }
            // In chunks, as it would arrive.
            Flux<ByteBuffer> content = Flux.range(0, (found.bytes().length + 8191) / 8192)
                    .map(i ->
                            ByteBuffer.wrap(found.bytes(), i * 8192, Math.min(8192, found.bytes().length - i * 8192)));
            return Mono.delay(found.delay()).then(sink.store(found.contentType(), found.fileName(), content));
        }
    }

    // ---- URL previews ----

    private static HttpServer pages;
    private static String pagesUrl;
    private static final AtomicInteger pageHits = new AtomicInteger();
    private static final byte[] COVER = TestImages.image("png", 120, 60);

    private static void startPages() throws IOException {
        pages = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        pages.createContext("/post", exchange -> {
            pageHits.incrementAndGet();
            serve(
                    exchange,
                    "text/html; charset=utf-8",
                    ("<html><head><title>ignored</title>"
                                    + "<meta property=\"og:title\" content=\"Lattice ❤ Matrix\">"
                                    + "<meta property=\"og:description\" content=\"A post\">"
                                    + "<meta property=\"og:image\" content=\"/cover.png\"></head></html>")
                            .getBytes(UTF_8));
        });
        pages.createContext("/cover.png", exchange -> serve(exchange, "image/png", COVER));
        pages.createContext(
                "/leaky",
                exchange -> serve(
                        exchange,
                        "text/html",
                        "<title>Leaky</title><meta property=\"og:image\" content=\"http://127.0.0.1:1/secret.png\">"
                                .getBytes(UTF_8)));
        pages.createContext("/file.zip", exchange -> serve(exchange, "application/zip", new byte[] {1, 2, 3}));
        pages.start();
        pagesUrl = "http://127.0.0.2:" + pages.getAddress().getPort();
    }

    private static void serve(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static EntityExchangeResult<byte[]> preview(WebTestClient client, String token, String query) {
        return download(client, token, "/_matrix/client/v1/media/preview_url?" + query);
    }

    @Test
    void aPreviewHasThePagesOpenGraphAndItsImageStoredHereAndIsCached() throws Exception {
        String token = USERS.login(newUser());
        String url = pagesUrl + "/post?id=" + UUID.randomUUID();
        EntityExchangeResult<byte[]> result = preview(client, token, "url=" + java.net.URLEncoder.encode(url, UTF_8));
        assertThat(result.getStatus().value())
                .as(new String(result.getResponseBody(), UTF_8))
                .isEqualTo(200);
        var preview = dev.lattice.protocol.json.CanonicalJson.parseObject(result.getResponseBody());
        assertThat(preview.getString("og:title")).contains("Lattice ❤ Matrix");
        assertThat(preview.getString("og:description")).contains("A post");
        assertThat(preview.getString("og:image:type")).contains("image/png");
        assertThat(preview.getInteger("matrix:image:size")).contains((long) COVER.length);
        assertThat(preview.getInteger("og:image:width")).contains(120L);
        assertThat(preview.getInteger("og:image:height")).contains(60L);
        String mxc = preview.getString("og:image").orElseThrow();
        assertThat(mxc).startsWith("mxc://" + SERVER + "/");
        assertThat(download(client, token, "/_matrix/client/v1/media/download/" + mxc.substring("mxc://".length()))
                        .getResponseBody())
                .isEqualTo(COVER);

        // Asked again (through the deprecated path too): from the cache, the page is not fetched again.
        int hits = pageHits.get();
        EntityExchangeResult<byte[]> again = download(
                client, token, "/_matrix/media/v3/preview_url?url=" + java.net.URLEncoder.encode(url, UTF_8) + "&ts=1");
        assertThat(again.getResponseBody()).isEqualTo(result.getResponseBody());
        assertThat(pageHits.get()).isEqualTo(hits);
    }

    @Test
    void previewsRefuseWhatTheyMustAndStayOptional() {
        String token = USERS.login(newUser());
        // An image the guard refuses: the page is previewed without it.
        var leaky = dev.lattice.protocol.json.CanonicalJson.parseObject(
                preview(client, token, "url=" + pagesUrl + "/leaky").getResponseBody());
        assertThat(leaky.getString("og:title")).contains("Leaky");
        assertThat(leaky.getString("og:image")).isEmpty();
        // Not HTML and not an image: an empty preview.
        assertThat(new String(
                        preview(client, token, "url=" + pagesUrl + "/file.zip").getResponseBody(), UTF_8))
                .isEqualTo("{}");
        assertError(preview(client, token, "url=http://127.0.0.1:1/"), 403, "M_FORBIDDEN");
        assertError(preview(client, token, "url=file:///etc/passwd"), 400, "M_INVALID_PARAM");
        assertError(preview(client, token, ""), 400, "M_MISSING_PARAM");
        assertError(preview(client, token, "url=" + pagesUrl + "/post&ts=yesterday"), 400, "M_INVALID_PARAM");
        assertError(preview(client, null, "url=" + pagesUrl + "/post"), 401, "M_MISSING_TOKEN");
        // Turned off: no route (the server's fallback answers it 404 M_UNRECOGNIZED; bound here without one).
        assertThat(preview(federationOff, token, "url=" + pagesUrl + "/post")
                        .getStatus()
                        .value())
                .isEqualTo(404);
    }

    // ---- administration (Synapse's media admin API) ----

    private static EntityExchangeResult<byte[]> admin(String token, String method, String path) {
        WebTestClient.RequestHeadersSpec<?> request =
                (method.equals("DELETE") ? client.delete() : client.post()).uri(java.net.URI.create(path));
        return request.header("Authorization", "Bearer " + token)
                .exchange()
                .expectBody(byte[].class)
                .returnResult();
    }

    private static String adminToken() {
        UserId admin = newUser();
        USERS.makeAdmin(admin);
        return USERS.login(admin);
    }

    private static Path contentFile(String sha256) {
        return root.resolve("content")
                .resolve(sha256.substring(0, 2))
                .resolve(sha256.substring(2, 4))
                .resolve(sha256);
    }

    @Test
    void onlyAdministratorsMayAdministerMedia() {
        String token = USERS.login(newUser());
        String mediaId = upload(token, randomBytes(10), "text/plain", null);
        assertError(
                admin(token, "POST", "/_synapse/admin/v1/media/quarantine/" + SERVER + "/" + mediaId),
                403,
                "M_FORBIDDEN");
        assertError(admin(token, "DELETE", "/_synapse/admin/v1/media/" + SERVER + "/" + mediaId), 403, "M_FORBIDDEN");
        assertError(admin(token, "POST", "/_synapse/admin/v1/purge_media_cache?before_ts=1"), 403, "M_FORBIDDEN");
        assertThat(download(client, token, "/_matrix/client/v1/media/download/" + SERVER + "/" + mediaId)
                        .getStatus()
                        .value())
                .isEqualTo(200);
    }

    @Test
    void quarantinedMediaIsServedToNobodyUntilReleased() {
        String admin = adminToken();
        UserId uploader = newUser();
        String token = USERS.login(uploader);
        String first = upload(token, randomBytes(20), "text/plain", null);
        String second = upload(token, randomBytes(21), "text/plain", null);
        String path = "/_matrix/client/v1/media/download/" + SERVER + "/";

        assertThat(admin(admin, "POST", "/_synapse/admin/v1/media/quarantine/" + SERVER + "/" + first)
                        .getResponseBody())
                .isEqualTo("{}".getBytes(UTF_8));
        assertError(download(client, token, path + first), 404, "M_NOT_FOUND");
        assertError(
                download(
                        client,
                        token,
                        "/_matrix/client/v1/media/thumbnail/" + SERVER + "/" + first + "?width=32&height=32"),
                404,
                "M_NOT_FOUND");
        admin(admin, "POST", "/_synapse/admin/v1/media/unquarantine/" + SERVER + "/" + first);
        assertThat(download(client, token, path + first).getStatus().value()).isEqualTo(200);

        assertThat(new String(
                        admin(admin, "POST", "/_synapse/admin/v1/user/" + uploader + "/media/quarantine")
                                .getResponseBody(),
                        UTF_8))
                .isEqualTo("{\"num_quarantined\":2}");
        assertError(download(client, token, path + second), 404, "M_NOT_FOUND");

        // Another server's media: quarantined, it is neither served nor fetched again.
        String remote = REMOTE.add("remote.example", randomBytes(30), "text/plain", null, Duration.ZERO);
        assertThat(download(client, token, path.replace(SERVER + "/", "") + "remote.example/" + remote)
                        .getStatus()
                        .value())
                .isEqualTo(200);
        admin(admin, "POST", "/_synapse/admin/v1/media/quarantine/remote.example/" + remote);
        assertError(
                download(client, token, "/_matrix/client/v1/media/download/remote.example/" + remote),
                404,
                "M_NOT_FOUND");
        assertThat(REMOTE.fetches("remote.example", remote)).isEqualTo(1);
    }

    @Test
    void deletingMediaRemovesItsFileOnlyWhenNothingElseNamesIt() {
        String admin = adminToken();
        UserId uploader = newUser();
        String token = USERS.login(uploader);
        byte[] shared = randomBytes(1234);
        String one = upload(token, shared, "image/png", null);
        String two = upload(token, shared, "image/png", null); // the same bytes: one file
        String sha256 = sha256(one);
        String path = "/_matrix/client/v1/media/download/" + SERVER + "/";

        assertThat(new String(
                        admin(admin, "DELETE", "/_synapse/admin/v1/media/" + SERVER + "/" + one)
                                .getResponseBody(),
                        UTF_8))
                .isEqualTo("{\"deleted_media\":[\"" + one + "\"],\"total\":1}");
        assertError(download(client, token, path + one), 404, "M_NOT_FOUND");
        assertThat(Files.exists(contentFile(sha256)))
                .as("still named by the other upload")
                .isTrue();
        assertThat(download(client, token, path + two).getResponseBody()).isEqualTo(shared);

        String three = upload(token, randomBytes(99), "text/plain", null);
        String threeSha = sha256(three);
        String body = new String(
                admin(admin, "DELETE", "/_synapse/admin/v1/users/" + uploader + "/media")
                        .getResponseBody(),
                UTF_8);
        assertThat(body).contains("\"total\":2").contains(two).contains(three);
        assertThat(Files.exists(contentFile(sha256))).isFalse();
        assertThat(Files.exists(contentFile(threeSha))).isFalse();

        assertError(admin(admin, "DELETE", "/_synapse/admin/v1/media/" + SERVER + "/" + one), 404, "M_NOT_FOUND");
        assertError(admin(admin, "DELETE", "/_synapse/admin/v1/media/remote.example/abc"), 400, "M_INVALID_PARAM");
    }

    @Test
    void purgingTheRemoteCacheDropsOldMediaWhichIsFetchedAgainWhenAsked() {
        String admin = adminToken();
        String token = USERS.login(newUser());
        byte[] bytes = randomBytes(4321);
        String remote = REMOTE.add("purge.example", bytes, "text/plain", null, Duration.ZERO);
        String path = "/_matrix/client/v1/media/download/purge.example/" + remote;
        assertThat(download(client, token, path).getResponseBody()).isEqualTo(bytes);
        String sha256 = database.remoteMedia("purge.example", remote)
                .block()
                .orElseThrow()
                .sha256();

        assertError(admin(admin, "POST", "/_synapse/admin/v1/purge_media_cache"), 400, "M_MISSING_PARAM");
        String purged = new String(
                admin(
                                admin,
                                "POST",
                                "/_synapse/admin/v1/purge_media_cache?before_ts=" + (System.currentTimeMillis() + 1))
                        .getResponseBody(),
                UTF_8);
        assertThat(purged).matches("\\{\"deleted\":[1-9][0-9]*}");
        assertThat(database.remoteMedia("purge.example", remote).block()).isEmpty();
        assertThat(Files.exists(contentFile(sha256))).isFalse();
        assertThat(download(client, token, path).getResponseBody()).isEqualTo(bytes);
        assertThat(REMOTE.fetches("purge.example", remote)).isEqualTo(2);
    }

    // ---- limits ----

    /** A server over the same database and files with this upload rate and quota. */
    private static WebTestClient limited(MediaApiProperties.UploadRate rate, long quota) throws IOException {
        return client(
                new LocalMediaStore(root),
                Optional.of(REMOTE),
                properties(true, PREVIEWS, rate, quota, MediaApiProperties.ThumbnailSettings.DEFAULT));
    }

    @Test
    void uploadsAreRateLimitedPerUserAndHeldToTheQuota() throws IOException {
        WebTestClient limited = limited(new MediaApiProperties.UploadRate(0.01, 3), MAX_UPLOAD);
        String token = USERS.login(newUser());
        for (int i = 0; i < 3; i++) {
            upload(limited, token, randomBytes(10 + i), "text/plain", null);
        }
        EntityExchangeResult<byte[]> refused = limited.post()
                .uri("/_matrix/media/v3/upload")
                .header("Authorization", "Bearer " + token)
                .bodyValue(randomBytes(5))
                .exchange()
                .expectBody(byte[].class)
                .returnResult();
        assertError(refused, 429, "M_LIMIT_EXCEEDED");
        assertThat(new String(refused.getResponseBody(), UTF_8)).contains("retry_after_ms");
        assertError(
                limited.post()
                        .uri("/_matrix/media/v1/create")
                        .header("Authorization", "Bearer " + token)
                        .exchange()
                        .expectBody(byte[].class)
                        .returnResult(),
                429,
                "M_LIMIT_EXCEEDED");
        // Another user has a bucket of their own.
        upload(limited, USERS.login(newUser()), randomBytes(10), "text/plain", null);

        // The quota (here the size of one full upload), with a rate that does not get in the way.
        limited = limited(UNLIMITED, MAX_UPLOAD);
        String other = USERS.login(newUser());
        String first = upload(limited, other, randomBytes((int) MAX_UPLOAD - 100), "application/octet-stream", null);
        // 100 bytes left: 101 are refused by their length, and a chunked body by the time it passes them; nothing is
        // stored.
        long before = filesUnder(root);
        EntityExchangeResult<byte[]> over = limited.post()
                .uri("/_matrix/media/v3/upload")
                .header("Authorization", "Bearer " + other)
                .bodyValue(randomBytes(101))
                .exchange()
                .expectBody(byte[].class)
                .returnResult();
        assertError(over, 403, "M_FORBIDDEN");
        DataBuffer chunk = DefaultDataBufferFactory.sharedInstance.wrap(randomBytes(60));
        DataBuffer chunk2 = DefaultDataBufferFactory.sharedInstance.wrap(randomBytes(60));
        assertError(
                limited.post()
                        .uri("/_matrix/media/v3/upload")
                        .header("Authorization", "Bearer " + other)
                        .body(Flux.just(chunk, chunk2), DataBuffer.class)
                        .exchange()
                        .expectBody(byte[].class)
                        .returnResult(),
                403,
                "M_FORBIDDEN");
        assertThat(filesUnder(root)).isEqualTo(before);
        upload(limited, other, randomBytes(100), "text/plain", null);
        assertThat(first).isNotBlank();
    }

    // ---- replicas sharing an S3-compatible store ----

    /**
     * Two media-api replicas over the same database and the same bucket of a real S3-compatible server (moto, with
     * signatures checked), each with its own spool directory: what one stores, the other serves, thumbnails included.
     */
    @Test
    void replicasShareMediaThroughAnS3CompatibleStore() throws Exception {
        try (MotoS3 moto = MotoS3.start()) {
            moto.createBucket("replicas");
            WebTestClient first = client(s3Store(moto), true);
            WebTestClient second = client(s3Store(moto), true);
            String token = USERS.login(newUser());
            byte[] file = randomBytes(300_000);
            byte[] image = TestImages.image("png", 640, 480);

            String fileId = upload(first, token, file, "application/pdf", "report.pdf");
            String imageId = upload(first, token, image, "image/png", "cat.png");

            EntityExchangeResult<byte[]> downloaded =
                    download(second, token, "/_matrix/client/v1/media/download/" + SERVER + "/" + fileId);
            assertThat(downloaded.getStatus().value()).isEqualTo(200);
            assertThat(downloaded.getResponseBody()).isEqualTo(file);
            assertThat(downloaded.getResponseHeaders().getFirst("Content-Type")).isEqualTo("application/pdf");
            EntityExchangeResult<byte[]> thumbnail = download(
                    second,
                    token,
                    "/_matrix/client/v1/media/thumbnail/" + SERVER + "/" + imageId + "?width=32&height=32&method=crop");
            assertThat(thumbnail.getStatus().value()).isEqualTo(200);
            BufferedImage small = TestImages.decode(thumbnail.getResponseBody());
            assertThat(small.getWidth()).isEqualTo(32);
            assertThat(small.getHeight()).isEqualTo(32);
            // The thumbnail one replica made is served by the other from the store.
            EntityExchangeResult<byte[]> again = download(
                    first,
                    token,
                    "/_matrix/client/v1/media/thumbnail/" + SERVER + "/" + imageId + "?width=32&height=32&method=crop");
            assertThat(again.getResponseBody()).isEqualTo(thumbnail.getResponseBody());
        }
    }

    private static MediaStore s3Store(MotoS3 moto) throws IOException {
        return new dev.lattice.mediaapi.storage.s3.S3MediaStore(
                new dev.lattice.mediaapi.storage.s3.S3MediaStore.S3Location(moto.endpoint(), "replicas", "", true),
                moto.signer(),
                Files.createTempDirectory("media-spool"),
                Clock.systemUTC());
    }
}
