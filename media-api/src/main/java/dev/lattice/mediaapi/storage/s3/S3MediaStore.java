package dev.lattice.mediaapi.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.mediaapi.storage.MediaStore;
import dev.lattice.mediaapi.storage.SpooledContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link MediaStore} in an S3-compatible object store (AWS S3, MinIO, Garage, SeaweedFS, Ceph RGW, ...), so that
 * several media-api replicas share one set of media. One object per distinct content, named {@code <prefix><sha256>}.
 *
 * <p>A write first spools the body to a local temporary file ({@link SpooledContent}): the object's name is the
 * content's hash, known only at the end. Then a {@code HEAD} tells whether identical content is already stored
 * (deduplicated: nothing is sent), else one {@code PUT} sends the file with its length and its SHA-256, which S3
 * checks against the bytes it received. S3 answers a {@code PUT} only once the object is durable, so the write's
 * Mono completes only when the content is. One {@code PUT} carries at most 5 GB, far above any sensible
 * {@code max-upload-size}.
 *
 * <p>Requests are signed with {@link SigV4} and sent with the JDK's HTTP client, asynchronously; reads stream the
 * object's body as it arrives.
 */
public final class S3MediaStore implements MediaStore {
    /** S3's limit for one {@code PUT}. */
    private static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final S3Location location;
    private final SigV4 signer;
    private final Path spoolDir;
    private final HttpClient http;
    private final Clock clock;

    /**
     * Where the objects live.
     *
     * @param endpoint the server's base URL, e.g. {@code https://s3.eu-west-1.amazonaws.com} or
     *     {@code http://minio:9000}
     * @param bucket the bucket, which must exist
     * @param prefix put before every object name (e.g. {@code media/}); may be empty
     * @param pathStyle {@code endpoint/bucket/key} (MinIO, Garage, SeaweedFS, most self-hosted servers) rather than
     *     {@code bucket.endpoint/key} (AWS's virtual-hosted style)
     */
    public record S3Location(URI endpoint, String bucket, String prefix, boolean pathStyle) {
        public S3Location {
            requireNonNull(endpoint, "endpoint is null");
            requireNonNull(bucket, "bucket is null");
            requireNonNull(prefix, "prefix is null");
            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException("the S3 endpoint must be an http or https URL: " + endpoint);
            }
            if (bucket.isEmpty() || bucket.contains("/")) {
                throw new IllegalArgumentException("not a bucket name: " + bucket);
            }
        }

        /** The URL of an object (or of the bucket itself, for an empty {@code key}). */
        URI uri(String key) {
            String base = endpoint.toString().replaceAll("/+$", "");
            if (pathStyle) {
                return URI.create(base + SigV4.encodePath("/" + bucket + "/" + key));
            }
            URI virtualHost = URI.create(endpoint.getScheme() + "://" + bucket + "." + endpoint.getRawAuthority()
                    + endpoint.getRawPath().replaceAll("/+$", ""));
            return URI.create(virtualHost + SigV4.encodePath("/" + key));
        }
    }

    public S3MediaStore(S3Location location, SigV4 signer, Path spoolDir, Clock clock) {
        this.location = requireNonNull(location, "location is null");
        this.signer = requireNonNull(signer, "signer is null");
        this.spoolDir = requireNonNull(spoolDir, "spoolDir is null");
        this.clock = requireNonNull(clock, "clock is null");
        try {
            Files.createDirectories(spoolDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the media spool directory " + spoolDir, e);
        }
        SpooledContent.removeStale(spoolDir, clock.instant());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Checks that the bucket is there and these credentials may use it ({@code HEAD} of the bucket), so a wrong
     * setting stops the start instead of the first upload.
     */
    public Mono<Void> checkBucket() {
        return send(request("HEAD", "", SigV4.EMPTY_PAYLOAD, HttpRequest.BodyPublishers.noBody()), discardingBody())
                .flatMap(response -> response.statusCode() == 200
                        ? Mono.empty()
                        : Mono.error(new IOException("the S3 bucket " + location.bucket() + " at "
                                + location.endpoint() + " is not usable: HTTP " + response.statusCode()
                                + (response.statusCode() == 404 ? " (no such bucket)" : ""))));
    }

    @Override
    public Mono<StoredContent> write(Flux<DataBuffer> body, long maxBytes) {
        long limit = Math.min(maxBytes, MAX_SINGLE_PUT);
        return SpooledContent.spool(
                spoolDir,
                body,
                limit,
                spool -> Mono.fromCallable(() -> spool.finish(false))
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMap(stored -> exists(stored.sha256())
                                .flatMap(exists -> exists ? Mono.just(stored) : put(stored, spool.file()))));
    }

    @Override
    public Flux<DataBuffer> read(String sha256) {
        return send(
                        request("GET", key(sha256), SigV4.EMPTY_PAYLOAD, HttpRequest.BodyPublishers.noBody()),
                        streamingBody(sha256))
                .flatMapMany(response -> JdkFlowAdapter.flowPublisherToFlux(response.body()))
                .concatMapIterable(buffers -> buffers)
                .map(DefaultDataBufferFactory.sharedInstance::wrap);
    }

    @Override
    public Mono<Void> delete(String sha256) {
        return send(
                        request("DELETE", key(sha256), SigV4.EMPTY_PAYLOAD, HttpRequest.BodyPublishers.noBody()),
                        errorBody())
                .flatMap(response ->
                        response.statusCode() == 204 || response.statusCode() == 200 || response.statusCode() == 404
                                ? Mono.<Void>empty()
                                : Mono.error(failure("DELETE", sha256, response)));
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(
                    request("GET", key(sha256), SigV4.EMPTY_PAYLOAD, HttpRequest.BodyPublishers.noBody()),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening " + sha256, e);
        }
        if (response.statusCode() == 200) {
            return response.body();
        }
        String error;
        try (InputStream body = response.body()) {
            error = new String(body.readNBytes(4096), UTF_8);
        }
        if (response.statusCode() == 404) {
            throw new NoSuchFileException(sha256);
        }
        throw new IOException("S3 GET of " + sha256 + " failed: HTTP " + response.statusCode() + " " + error);
    }

    private Mono<Boolean> exists(String sha256) {
        return send(
                        request("HEAD", key(sha256), SigV4.EMPTY_PAYLOAD, HttpRequest.BodyPublishers.noBody()),
                        discardingBody())
                .flatMap(response -> switch (response.statusCode()) {
                    case 200 -> Mono.just(true);
                    case 404 -> Mono.just(false);
                    default ->
                        Mono.error(new IOException("S3 HEAD of " + sha256 + " failed: HTTP " + response.statusCode()));
                });
    }

    private Mono<StoredContent> put(StoredContent stored, Path file) {
        return Mono.fromCallable(() -> HttpRequest.BodyPublishers.ofFile(file))
                .flatMap(body -> send(request("PUT", key(stored.sha256()), stored.sha256(), body), errorBody()))
                .flatMap(response -> response.statusCode() == 200
                        ? Mono.just(stored)
                        : Mono.error(failure("PUT", stored.sha256(), response)));
    }

    private String key(String sha256) {
        if (!MediaStore.isSha256(sha256)) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        return location.prefix() + sha256;
    }

    private HttpRequest request(String method, String key, String payloadSha256, HttpRequest.BodyPublisher body) {
        URI uri = location.uri(key);
        Map<String, String> signed = new LinkedHashMap<>();
        signed.put("host", hostHeader(uri));
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri).method(method, body).timeout(REQUEST_TIMEOUT);
        signer.sign(method, uri.getRawPath(), signed, payloadSha256, clock.instant())
                .forEach(builder::header);
        return builder.build();
    }

    /** The {@code Host} header exactly as the JDK's client sends it (the port only when not the scheme's default). */
    static String hostHeader(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == ("https".equals(uri.getScheme()) ? 443 : 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private <T> Mono<HttpResponse<T>> send(HttpRequest request, BodyHandler<T> handler) {
        return Mono.fromFuture(() -> http.sendAsync(request, handler)); // cancelling aborts the exchange
    }

    /** A 200's body as it arrives; any other status ends the stream with an error (404: {@link NoSuchFileException}). */
    private static BodyHandler<Flow.Publisher<List<ByteBuffer>>> streamingBody(String sha256) {
        return info -> info.statusCode() == 200
                ? BodySubscribers.ofPublisher()
                : BodySubscribers.mapping(
                        BodySubscribers.ofString(UTF_8),
                        error -> JdkFlowAdapter.publisherToFlowPublisher(Flux.error(
                                info.statusCode() == 404
                                        ? new NoSuchFileException(sha256)
                                        : new IOException("S3 GET of " + sha256 + " failed: HTTP " + info.statusCode()
                                                + " " + abbreviate(error)))));
    }

    /** The body of an answer that carries none when it succeeds: kept (as text) only to explain a failure. */
    private static BodyHandler<String> errorBody() {
        return info -> BodySubscribers.ofString(UTF_8);
    }

    private static BodyHandler<Void> discardingBody() {
        return HttpResponse.BodyHandlers.discarding();
    }

    private static IOException failure(String method, String sha256, HttpResponse<String> response) {
        return new IOException("S3 " + method + " of " + sha256 + " failed: HTTP " + response.statusCode() + " "
                + abbreviate(response.body()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "…";
    }
}
