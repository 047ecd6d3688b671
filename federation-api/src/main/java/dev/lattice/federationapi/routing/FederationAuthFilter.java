package dev.lattice.federationapi.routing;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.internal.OriginLimiter;
import dev.lattice.federationapi.internal.RequestAuthenticator;
import dev.lattice.protocol.federation.XMatrix;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.net.URI;
import java.util.Optional;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Wraps every authenticated federation route: the handler runs only for a request whose {@code X-Matrix}
 * signature checks out, within the origin's share of inbound work ({@link OriginLimiter}), and finds the origin as the
 * request attribute {@link #ORIGIN}. Applied per route (not as a
 * WebFilter) so unknown paths still get the spec's 404 {@code M_UNRECOGNIZED}.
 *
 * <pre>{@code
 * router.builder().PUT("/_matrix/federation/v1/send/{txnId}", send::handle).build().filter(authFilter)
 * }</pre>
 */
public final class FederationAuthFilter implements HandlerFilterFunction<ServerResponse, ServerResponse> {
    /** The request attribute holding the authenticated origin, a {@link ServerName}. */
    public static final String ORIGIN = FederationAuthFilter.class.getName() + ".origin";

    /** The largest body read for a signature check: 50 PDUs of 64 KiB plus 100 EDUs fit well within it. */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final RequestAuthenticator authenticator;
    private final OriginLimiter limiter;

    public FederationAuthFilter(RequestAuthenticator authenticator, OriginLimiter limiter) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.limiter = requireNonNull(limiter, "limiter is null");
    }

    /** The request attribute holding the parsed JSON body of a PUT or POST, a {@link CanonicalJsonValue}. */
    public static final String CONTENT = FederationAuthFilter.class.getName() + ".content";

    /** The JSON object body the signature covered; 400 {@code M_NOT_JSON} when the body is not an object. */
    public static JsonObject content(ServerRequest request) {
        if (request.attribute(CONTENT).orElse(null) instanceof JsonObject object) {
            return object;
        }
        throw new MatrixException(ErrorCode.NOT_JSON, "The body must be a JSON object");
    }

    /** The origin {@link FederationAuthFilter} authenticated. */
    public static ServerName origin(ServerRequest request) {
        return (ServerName) request.attribute(ORIGIN).orElseThrow();
    }

    @Override
    public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
        URI uri = request.uri();
        String target = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        String method = request.method().name();
        boolean hasBody =
                request.method().equals(HttpMethod.PUT) || request.method().equals(HttpMethod.POST);
        XMatrix credentials;
        try {
            // Before the body is read: a request without valid credentials costs us no more than its headers.
            credentials = authenticator.credentials(request.headers().header(HttpHeaders.AUTHORIZATION));
        } catch (MatrixException e) {
            return Mono.error(e);
        }
        Mono<Optional<byte[]>> body = hasBody
                ? DataBufferUtils.join(request.bodyToFlux(DataBuffer.class), MAX_BODY_BYTES)
                        .map(FederationAuthFilter::bytes)
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.of(new byte[0]))
                : Mono.just(Optional.empty());
        return body.flatMap(bytes -> {
            Optional<CanonicalJsonValue> content = bytes.map(FederationAuthFilter::parse);
            return authenticator.verify(credentials, method, target, content).flatMap(origin -> {
                ServerRequest.Builder rebuilt = ServerRequest.from(request);
                bytes.ifPresent(b -> rebuilt.body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(b))));
                ServerRequest authenticated = rebuilt.build();
                authenticated.attributes().put(ORIGIN, origin);
                content.ifPresent(c -> authenticated.attributes().put(CONTENT, c));
                return limiter.limit(origin, () -> next.handle(authenticated));
            });
        });
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] out = new byte[buffer.readableByteCount()];
            buffer.read(out);
            return out;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** The body as the signature covers it; PUT and POST bodies must be JSON, as the spec requires. */
    private static CanonicalJsonValue parse(byte[] body) {
        try {
            return CanonicalJson.parse(body);
        } catch (CanonicalJsonException e) {
            throw new MatrixException(ErrorCode.NOT_JSON, "Request body is not valid JSON: " + e.getMessage());
        }
    }
}
