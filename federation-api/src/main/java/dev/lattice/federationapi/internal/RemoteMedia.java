package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.federationapi.RemoteMediaApi;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import io.netty.handler.codec.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Other servers' media, for the media-api to cache: {@code GET /_matrix/federation/v1/media/download/{mediaId}}
 * (spec v1.11), whose {@code multipart/mixed} answer holds a JSON part and then either the bytes or a
 * {@code Location} to fetch them from; a server that does not serve that endpoint yet (404 or 400
 * {@code M_UNRECOGNIZED}) is asked on the deprecated {@code /_matrix/media/v3/download/{serverName}/{mediaId}}, as
 * Synapse does. The bytes are handed on as they arrive and counted: nothing is buffered whole.
 *
 * <p>A {@code Location} is followed only over HTTPS, with the certificate checked against its host and the
 * federation address blocklist applied to every address it resolves to, so another server cannot point us at our
 * own network.
 */
public final class RemoteMedia implements RemoteMediaApi {
    private static final Logger log = LoggerFactory.getLogger(RemoteMedia.class);

    /** The most a whole download may take: 50 MB at a modest 1 MB/s, with room to spare. */
    static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(2);

    /** Error answers are read only this far, for their errcode. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final FederationClient client;
    private final HttpsExchange https;

    public RemoteMedia(FederationClient client, HttpsExchange https) {
        this.client = requireNonNull(client, "client is null");
        this.https = requireNonNull(https, "https is null");
    }

    @Override
    public <T> Mono<T> downloadRemoteMedia(ServerName server, String mediaId, long maxBytes, MediaSink<T> given) {
        // What the sink fails with reaches the caller as it is; transport and protocol failures become 502.
        MediaSink<T> sink = (contentType, fileName, content) ->
                given.store(contentType, fileName, content).onErrorMap(SinkFailure::new);
        String id = URLEncoder.encode(mediaId, StandardCharsets.UTF_8);
        return client.<Optional<T>>getStreamed(
                        server, "/_matrix/federation/v1/media/download/" + id, true, (response, body) -> {
                            if (response.status().code() == 200) {
                                return MultipartMedia.read(
                                                response.responseHeaders().get(HttpHeaders.CONTENT_TYPE),
                                                body,
                                                maxBytes,
                                                sink,
                                                location -> follow(location, maxBytes, sink))
                                        .map(Optional::of);
                            }
                            return error(response, body)
                                    .flatMap(e -> unrecognized(e)
                                            ? Mono.just(Optional.<T>empty())
                                            : Mono.error(failure(server, mediaId, e)));
                        })
                .flatMap(result -> result.map(Mono::just).orElseGet(() -> legacy(server, id, maxBytes, sink)))
                .timeout(DOWNLOAD_TIMEOUT)
                .onErrorMap(e -> {
                    if (e instanceof SinkFailure failure) {
                        return failure.getCause();
                    }
                    if (e instanceof MatrixException) {
                        return e;
                    }
                    log.info("cannot fetch mxc://{}/{}: {}", server, mediaId, e.toString());
                    return unavailable();
                });
    }

    /** {@code GET /_matrix/media/v3/download/{serverName}/{mediaId}}, unauthenticated, for servers before v1.11. */
    private <T> Mono<T> legacy(ServerName server, String id, long maxBytes, MediaSink<T> sink) {
        // A server name is a valid path segment as it is (host, port, IPv6 brackets): sent as Synapse sends it.
        String path = "/_matrix/media/v3/download/" + server.value() + "/" + id + "?allow_remote=false";
        return client.getStreamed(
                server,
                path,
                false,
                (response, body) -> response.status().code() == 200
                        ? storeBody(response.responseHeaders(), body, maxBytes, sink)
                        : error(response, body).flatMap(e -> Mono.error(failure(server, id, e))));
    }

    /** The media behind a {@code Location}: HTTPS only, through the same address checks as federation. */
    private <T> Mono<T> follow(String location, long maxBytes, MediaSink<T> sink) {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            return Mono.error(new MultipartMedia.MalformedAnswer("a Location that is not a URI"));
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            return Mono.error(new MultipartMedia.MalformedAnswer("a Location that is not an https URL"));
        }
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        int port = uri.getPort() == -1 ? 443 : uri.getPort();
        ResolvedServer target =
                new ResolvedServer(host, port, uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + port, host);
        String pathAndQuery = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return https.stream(
                target,
                HttpMethod.GET,
                pathAndQuery,
                Optional.empty(),
                Optional.empty(),
                (response, body) -> response.status().code() == 200
                        ? storeBody(response.responseHeaders(), body, maxBytes, sink)
                        : body.then(Mono.error(
                                new MultipartMedia.MalformedAnswer("the Location answered " + response.status()))));
    }

    private static <T> Mono<T> storeBody(
            io.netty.handler.codec.http.HttpHeaders nettyHeaders, Flux<byte[]> body, long maxBytes, MediaSink<T> sink) {
        HttpHeaders headers = new HttpHeaders();
        nettyHeaders.forEach(entry -> headers.add(entry.getKey(), entry.getValue()));
        return MultipartMedia.single(headers, body, maxBytes, sink);
    }

    /** An error answer: its status and errcode (empty when the body is not a Matrix error). */
    private record ErrorAnswer(int status, Optional<String> errcode) {}

    private static Mono<ErrorAnswer> error(HttpClientResponse response, Flux<byte[]> body) {
        int status = response.status().code();
        return body.reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
                    out.write(chunk, 0, Math.max(0, Math.min(chunk.length, MAX_ERROR_BYTES - out.size())));
                    return out;
                })
                .map(out -> new ErrorAnswer(status, Optional.ofNullable(FederationClient.errcodeOf(out.toByteArray()))))
                .defaultIfEmpty(new ErrorAnswer(status, Optional.empty()));
    }

    /** A server from before v1.11 answers the unknown endpoint with 404 (or 400) {@code M_UNRECOGNIZED}. */
    private static boolean unrecognized(ErrorAnswer error) {
        return (error.status() == 404 || error.status() == 400 || error.status() == 405)
                && error.errcode().map("M_UNRECOGNIZED"::equals).orElse(error.status() == 405);
    }

    private static MatrixException failure(ServerName server, String mediaId, ErrorAnswer error) {
        if (error.status() == 404) {
            return new MatrixException(ErrorCode.NOT_FOUND, "Media not found");
        }
        log.info("mxc://{}/{}: the server answered {} {}", server, mediaId, error.status(), error.errcode());
        return unavailable();
    }

    private static MatrixException unavailable() {
        return new MatrixException(ErrorCode.UNKNOWN, "Failed to fetch remote media").withHttpStatus(502);
    }

    /** The sink's own failure, carried past the mapping of transport failures. */
    private static final class SinkFailure extends RuntimeException {
        SinkFailure(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
