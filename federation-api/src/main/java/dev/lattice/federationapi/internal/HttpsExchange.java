package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.internal.ServerDiscovery.SrvTarget;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.runtime.net.IpRange;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * One HTTPS request to a resolved server, the plumbing under {@link FederationClient} and the
 * {@code .well-known} lookup: the address comes from {@link DnsLookups}, and the certificate is checked against
 * {@link ResolvedServer#tlsName()}.
 */
public final class HttpsExchange {
    /** Answers larger than this are refused: no federation response needs more. */
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final DnsLookups dns;
    private final SslContext tls;
    private final Duration timeout;
    private final List<IpRange> blocked;

    /** @param blocked address ranges never connected to (checked after DNS, so a name cannot smuggle one in) */
    public HttpsExchange(DnsLookups dns, SslContext tls, Duration timeout, List<IpRange> blocked) {
        this.dns = requireNonNull(dns, "dns is null");
        this.tls = requireNonNull(tls, "tls is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.blocked = List.copyOf(blocked);
    }

    /** An answer: status, headers, and a body of at most {@link #MAX_RESPONSE_BYTES}. */
    public record Response(int status, HttpHeaders headers, byte[] body) {}

    public Mono<Response> exchange(
            ResolvedServer target,
            HttpMethod method,
            String uri,
            Optional<String> authorization,
            Optional<JsonObject> body) {
        return exchange(target, method, uri, authorization, body, MAX_RESPONSE_BYTES);
    }

    /** As above, refusing answers over {@code maxResponseBytes} as soon as they pass it. */
    public Mono<Response> exchange(
            ResolvedServer target,
            HttpMethod method,
            String uri,
            Optional<String> authorization,
            Optional<JsonObject> body,
            int maxResponseBytes) {
        return stream(
                        target,
                        method,
                        uri,
                        authorization,
                        body,
                        (response, content) -> content
                                // Counted while it arrives: a hostile server cannot make us buffer more than this.
                                .reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
                                    if (out.size() + chunk.length > maxResponseBytes) {
                                        throw new FederationRequestException(
                                                response.status().code(), uri + ": the answer is too large");
                                    }
                                    out.writeBytes(chunk);
                                    return out;
                                })
                                .map(out -> new Response(
                                        response.status().code(), response.responseHeaders(), out.toByteArray())))
                .timeout(timeout.multipliedBy(2));
    }

    /**
     * A request whose answer {@code handler} reads as it arrives (large media): the status and headers, and the
     * body's chunks, which it must consume within the Mono it returns. No overall time limit beyond the connection's
     * idle timeout: the caller sets one that suits the size it expects.
     */
    public <T> Mono<T> stream(
            ResolvedServer target,
            HttpMethod method,
            String uri,
            Optional<String> authorization,
            Optional<JsonObject> body,
            BiFunction<HttpClientResponse, Flux<byte[]>, Mono<T>> handler) {
        return connectInTurn(
                target,
                0,
                address -> client(target, address, authorization, body.isPresent())
                        .request(method)
                        .uri(uri)
                        .send(ByteBufMono.fromString(Mono.justOrEmpty(body.map(CanonicalJson::encodeToString))))
                        .response((response, content) -> handler.apply(response, content.asByteArray()))
                        .next());
    }

    private HttpClient client(
            ResolvedServer target, InetSocketAddress address, Optional<String> authorization, boolean json) {
        return HttpClient.newConnection()
                .remoteAddress(() -> address)
                .responseTimeout(timeout)
                .secure(spec -> spec.sslContext(tls).handlerConfigurator(handler -> {
                    SSLEngine engine = handler.engine();
                    SSLParameters parameters = engine.getSSLParameters();
                    // The certificate must be valid for the name resolution chose.
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    if (!ServerDiscovery.isIpLiteral(target.tlsName())) {
                        parameters.setServerNames(List.of(new SNIHostName(target.tlsName())));
                    }
                    engine.setSSLParameters(parameters);
                }))
                .headers(headers -> {
                    headers.set(HttpHeaderNames.HOST, target.hostHeader());
                    authorization.ifPresent(a -> headers.set(HttpHeaderNames.AUTHORIZATION, a));
                    if (json) {
                        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    }
                });
    }

    /**
     * The next address (of the target, then of the next target) is tried only when connecting to one failed, never
     * after TLS or HTTP went wrong.
     */
    private static <T> Mono<T> tryInTurn(
            List<InetSocketAddress> addresses, int index, Function<InetSocketAddress, Mono<T>> attempt) {
        return attempt.apply(addresses.get(index))
                .onErrorResume(
                        e -> e instanceof ConnectException && index + 1 < addresses.size(),
                        e -> tryInTurn(addresses, index + 1, attempt));
    }

    /**
     * Connects to {@code server}'s targets in turn ({@link ResolvedServer#connectTargets}): the addresses of one, then
     * the next target's when none of them accepted the connection or its name did not resolve.
     */
    private <T> Mono<T> connectInTurn(ResolvedServer server, int index, Function<InetSocketAddress, Mono<T>> attempt) {
        List<SrvTarget> targets = server.connectTargets();
        return addresses(server, targets.get(index))
                .flatMap(addresses -> tryInTurn(addresses, 0, attempt))
                .onErrorResume(
                        e -> index + 1 < targets.size()
                                && (e instanceof ConnectException || e instanceof UnknownHostException),
                        e -> connectInTurn(server, index + 1, attempt));
    }

    /**
     * The addresses of {@code target}, each carrying the TLS name as its host name: Netty hands that name to the TLS
     * engine as the peer host, which the JDK checks the certificate against, while the connection goes to the
     * resolved IP. A blocked address fails the whole request: a name that resolves into internal ranges is suspect.
     */
    private Mono<List<InetSocketAddress>> addresses(ResolvedServer server, SrvTarget target) {
        return dns.addresses(target.host()).map(resolved -> {
            List<InetSocketAddress> out = new ArrayList<>();
            for (InetAddress address : resolved) {
                if (blocked.stream().anyMatch(range -> range.contains(address))) {
                    throw new FederationRequestException(
                            target.host() + " resolves to " + address.getHostAddress() + ", a blocked address", null);
                }
                try {
                    String peerHost = ServerDiscovery.isIpLiteral(server.tlsName()) ? null : server.tlsName();
                    out.add(new InetSocketAddress(
                            InetAddress.getByAddress(peerHost, address.getAddress()), target.port()));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("an address of " + address.getAddress().length + " bytes", e);
                }
            }
            return out;
        });
    }
}
