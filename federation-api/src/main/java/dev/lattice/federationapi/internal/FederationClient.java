package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.federation.FederationRequest;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;

/**
 * Outbound federation requests: resolves the destination ({@link ServerResolver}), connects over TLS checking the
 * certificate against the name resolution chose (not the address connected to), sends the {@code Host} header and
 * SNI resolution chose, and signs the request with {@code X-Matrix} unless it is a key request.
 *
 * <p>Connections are not pooled yet: a pool keyed by address could hand a connection verified for one server name
 * to another name served from the same address.
 */
public final class FederationClient {
    /** Answers larger than this are refused: no federation response needs more. */
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final ServerName origin;
    private final SigningKey signingKey;
    private final ServerResolver resolver;
    private final SslContext tls;
    private final Duration timeout;

    public FederationClient(
            ServerName origin, SigningKey signingKey, ServerResolver resolver, SslContext tls, Duration timeout) {
        this.origin = requireNonNull(origin, "origin is null");
        this.signingKey = requireNonNull(signingKey, "signingKey is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.tls = requireNonNull(tls, "tls is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
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

    /** An unauthenticated POST with a JSON body (the notary's key query). */
    public Mono<JsonObject> postUnsigned(ServerName destination, String pathAndQuery, JsonObject body) {
        return send(destination, HttpMethod.POST, pathAndQuery, Optional.of(body), false);
    }

    private Mono<JsonObject> send(
            ServerName destination, HttpMethod method, String uri, Optional<JsonObject> body, boolean sign) {
        return resolver.resolve(destination)
                .flatMap(target -> address(target).flatMap(address -> {
                    String authorization = sign
                            ? new FederationRequest(
                                            method.name(),
                                            uri,
                                            origin,
                                            destination,
                                            body.<CanonicalJsonValue>map(b -> b))
                                    .sign(signingKey)
                                    .toHeaderValue()
                            : null;
                    HttpClient client = HttpClient.newConnection()
                            .remoteAddress(() -> address)
                            .responseTimeout(timeout)
                            .secure(spec -> spec.sslContext(tls).handlerConfigurator(handler -> {
                                SSLEngine engine = handler.engine();
                                SSLParameters parameters = engine.getSSLParameters();
                                // The certificate must be valid for the name resolution chose.
                                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                                if (!isIpLiteral(target.tlsName())) {
                                    parameters.setServerNames(List.of(new SNIHostName(target.tlsName())));
                                }
                                engine.setSSLParameters(parameters);
                            }))
                            .headers(headers -> {
                                headers.set(HttpHeaderNames.HOST, target.hostHeader());
                                if (authorization != null) {
                                    headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
                                }
                                if (body.isPresent()) {
                                    headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                                }
                            });
                    return client.request(method)
                            .uri(uri)
                            .send(ByteBufMono.fromString(Mono.justOrEmpty(body.map(CanonicalJson::encodeToString))))
                            .responseSingle((response, content) -> content.asByteArray()
                                    .defaultIfEmpty(new byte[0])
                                    .map(bytes -> decode(
                                            destination, uri, response.status().code(), bytes)));
                }))
                .timeout(timeout.multipliedBy(2))
                .onErrorMap(
                        e -> !(e instanceof FederationRequestException),
                        e -> new FederationRequestException(method + " " + destination + uri + " failed: " + e, e));
    }

    private static JsonObject decode(ServerName destination, String uri, int status, byte[] bytes) {
        if (status != 200) {
            throw new FederationRequestException(status, destination + uri + " answered " + status);
        }
        if (bytes.length > MAX_RESPONSE_BYTES) {
            throw new FederationRequestException(status, destination + uri + " answered too large a body");
        }
        try {
            return CanonicalJson.parseObject(bytes);
        } catch (CanonicalJsonException e) {
            throw new FederationRequestException(status, destination + uri + " answered bad JSON: " + e.getMessage());
        }
    }

    /**
     * The address to connect to, carrying the TLS name as its host name: Netty hands that name to the TLS engine as
     * the peer host, which the JDK checks the certificate against, while the connection goes to the resolved IP.
     */
    private static Mono<InetSocketAddress> address(ResolvedServer target) {
        return Mono.fromCallable(() -> {
                    InetAddress resolved = InetAddress.getByName(stripBrackets(target.connectHost()));
                    String peerHost = isIpLiteral(target.tlsName()) ? null : target.tlsName();
                    return new InetSocketAddress(
                            InetAddress.getByAddress(peerHost, resolved.getAddress()), target.port());
                })
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(
                        UnknownHostException.class,
                        e -> new FederationRequestException("cannot resolve " + target.connectHost(), e));
    }

    static boolean isIpLiteral(String host) {
        return host.startsWith("[") || host.contains(":") || host.matches("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+");
    }

    static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
