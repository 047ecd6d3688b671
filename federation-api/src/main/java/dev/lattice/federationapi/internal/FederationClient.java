package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.federation.FederationRequest;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Optional;
import java.util.function.BiFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Outbound federation requests: resolves the destination ({@link ServerResolver}), connects over TLS checking the
 * certificate against the name resolution chose (not the address connected to), sends the {@code Host} header and
 * SNI resolution chose, and signs the request with {@code X-Matrix} unless it is a key request.
 *
 * <p>Connections are not pooled yet: a pool keyed by address could hand a connection verified for one server name
 * to another name served from the same address.
 */
public final class FederationClient {
    private final ServerName origin;
    private final SigningKey signingKey;
    private final ServerResolver resolver;
    private final HttpsExchange https;

    public FederationClient(ServerName origin, SigningKey signingKey, ServerResolver resolver, HttpsExchange https) {
        this.origin = requireNonNull(origin, "origin is null");
        this.signingKey = requireNonNull(signingKey, "signingKey is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.https = requireNonNull(https, "https is null");
    }

    /** An unauthenticated GET (the key endpoints), answering the 200 body as a JSON object. */
    public Mono<JsonObject> getUnsigned(ServerName destination, String pathAndQuery) {
        return send(destination, HttpMethod.GET, pathAndQuery, Optional.empty(), false);
    }

    /** A GET signed with X-Matrix. */
    public Mono<JsonObject> get(ServerName destination, String pathAndQuery) {
        return send(destination, HttpMethod.GET, pathAndQuery, Optional.empty(), true);
    }

    /** A POST with a JSON body, signed with X-Matrix. */
    public Mono<JsonObject> post(ServerName destination, String pathAndQuery, JsonObject body) {
        return send(destination, HttpMethod.POST, pathAndQuery, Optional.of(body), true);
    }

    /** A PUT with a JSON body, signed with X-Matrix. */
    public Mono<JsonObject> put(ServerName destination, String pathAndQuery, JsonObject body) {
        return send(destination, HttpMethod.PUT, pathAndQuery, Optional.of(body), true);
    }

    /** An unauthenticated POST with a JSON body (the notary's key query). */
    public Mono<JsonObject> postUnsigned(ServerName destination, String pathAndQuery, JsonObject body) {
        return send(destination, HttpMethod.POST, pathAndQuery, Optional.of(body), false);
    }

    /**
     * A GET whose answer {@code handler} reads as it arrives (media), signed with X-Matrix when {@code sign}; the
     * handler sees every status, not only 200.
     */
    public <T> Mono<T> getStreamed(
            ServerName destination,
            String pathAndQuery,
            boolean sign,
            BiFunction<HttpClientResponse, Flux<byte[]>, Mono<T>> handler) {
        Optional<String> authorization = sign
                ? Optional.of(authorization(HttpMethod.GET, pathAndQuery, destination, Optional.empty()))
                : Optional.empty();
        return resolver.resolve(destination)
                .flatMap(target ->
                        https.stream(target, HttpMethod.GET, pathAndQuery, authorization, Optional.empty(), handler));
    }

    private String authorization(HttpMethod method, String uri, ServerName destination, Optional<JsonObject> body) {
        return new FederationRequest(method.name(), uri, origin, destination, body.<CanonicalJsonValue>map(b -> b))
                .sign(signingKey)
                .toHeaderValue();
    }

    private Mono<JsonObject> send(
            ServerName destination, HttpMethod method, String uri, Optional<JsonObject> body, boolean sign) {
        Optional<String> authorization =
                sign ? Optional.of(authorization(method, uri, destination, body)) : Optional.empty();
        return resolver.resolve(destination)
                .flatMap(target -> https.exchange(target, method, uri, authorization, body))
                .map(response -> decode(destination, uri, response))
                .onErrorMap(
                        e -> !(e instanceof FederationRequestException),
                        e -> new FederationRequestException(method + " " + destination + uri + " failed: " + e, e));
    }

    private static JsonObject decode(ServerName destination, String uri, HttpsExchange.Response response) {
        if (response.status() != 200) {
            throw new FederationRequestException(
                    response.status(),
                    errcodeOf(response.body()),
                    destination + uri + " answered " + response.status() + ": " + excerpt(response.body()));
        }
        try {
            return CanonicalJson.parseObject(response.body());
        } catch (CanonicalJsonException e) {
            throw new FederationRequestException(
                    response.status(), destination + uri + " answered bad JSON: " + e.getMessage());
        }
    }

    /** The {@code errcode} of a Matrix error body; null when the body is not one. */
    static String errcodeOf(byte[] body) {
        try {
            return CanonicalJson.parseObject(body).getString("errcode").orElse(null);
        } catch (CanonicalJsonException e) {
            return null;
        }
    }

    /** The start of an error body, for the log: what the remote server said, never more than a line. */
    private static String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 300), java.nio.charset.StandardCharsets.UTF_8);
        return text.replaceAll("\\s+", " ");
    }
}
