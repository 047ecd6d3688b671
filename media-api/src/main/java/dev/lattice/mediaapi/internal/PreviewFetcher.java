package dev.lattice.mediaapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.net.IpRange;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Fetches what a URL preview needs, guarded against server-side request forgery: a URL a user posts must never make
 * the server reach its own network. For every hop (the URL, then each redirect, at most {@link #MAX_REDIRECTS}):
 *
 * <ul>
 *   <li>only {@code http} and {@code https}, nothing else (no {@code file:}, no {@code gopher:});
 *   <li>the host is resolved here, and the request refused (403 {@code M_FORBIDDEN}) if <em>any</em> address it
 *       resolves to is in the blocklist and not in the allowlist, as Synapse does;
 *   <li>the connection goes to the address that was checked (the name only travels as {@code Host} and SNI, and
 *       the certificate is checked against it), so a second DNS answer cannot point it elsewhere (rebinding);
 *   <li>redirects are followed here, not by the client library, so each target goes through the same checks.
 * </ul>
 *
 * Bodies are read up to a size limit and the whole fetch within a time limit; either exceeded is 502.
 */
public final class PreviewFetcher {
    private static final Logger log = LoggerFactory.getLogger(PreviewFetcher.class);
    static final int MAX_REDIRECTS = 5;

    private final List<IpRange> blocked;
    private final List<IpRange> allowed;
    private final long maxBytes;
    private final Duration timeout;
    private final Function<String, InetAddress[]> resolver;
    private final SslContext tls;

    /** @param resolver the system's name lookup in production; blocking, so called off the event loop */
    public PreviewFetcher(
            List<IpRange> blocked,
            List<IpRange> allowed,
            long maxBytes,
            Duration timeout,
            Function<String, InetAddress[]> resolver) {
        this.blocked = List.copyOf(blocked);
        this.allowed = List.copyOf(allowed);
        this.maxBytes = maxBytes;
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        try {
            this.tls = SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client context", e);
        }
    }

    /** The system resolver: every A and AAAA address of the name. */
    public static InetAddress[] systemResolver(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new MatrixException(ErrorCode.UNKNOWN, "Cannot resolve " + host).withHttpStatus(502);
        }
    }

    /**
     * A fetched resource.
     *
     * @param uri where it was finally found (after redirects): relative links are resolved against it
     * @param contentType its Content-Type, if it gave one
     * @param body at most the size limit
     */
    public record Fetched(URI uri, Optional<String> contentType, byte[] body) {}

    /**
     * GETs {@code url}; fails with 400 {@code M_INVALID_PARAM} for a URL that is not http(s), 403 {@code M_FORBIDDEN}
     * for a blocked address, 502 {@code M_UNKNOWN} for anything the other end did wrong (an error status, too large,
     * too slow, too many redirects, unreachable).
     */
    public Mono<Fetched> fetch(String url) {
        return Mono.defer(() -> fetch(parse(url), 0))
                .timeout(timeout)
                .onErrorMap(TimeoutException.class, e -> failed("took longer than " + timeout.toSeconds() + " s"))
                .onErrorMap(e -> !(e instanceof MatrixException), e -> {
                    log.info("URL preview of {} failed: {}", url, e.toString());
                    return failed(e.getClass().getSimpleName());
                });
    }

    /** Checks a URL before anything is fetched: http or https, with a host. */
    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Invalid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "Only http and https URLs are previewed");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new MatrixException(ErrorCode.INVALID_PARAM, "The URL has no host");
        }
        return uri;
    }

    private Mono<Fetched> fetch(URI uri, int hops) {
        String host = unbracketed(uri.getHost());
        return Mono.fromCallable(() -> resolver.apply(host))
                .subscribeOn(Schedulers.boundedElastic())
                .map(addresses -> checked(host, addresses))
                .flatMap(address -> request(uri, host, address))
                .flatMap(response -> {
                    if (response.location().isEmpty()) {
                        return Mono.just(response.fetched());
                    }
                    if (hops >= MAX_REDIRECTS) {
                        return Mono.error(failed("more than " + MAX_REDIRECTS + " redirects"));
                    }
                    URI next;
                    try {
                        next = parse(uri.resolve(response.location().get()).toString());
                    } catch (IllegalArgumentException | MatrixException e) {
                        return Mono.error(failed("a redirect to an invalid URL"));
                    }
                    return fetch(next, hops + 1);
                });
    }

    /** The address to connect to: the first, once every address of the host passed the lists. */
    InetAddress checked(String host, InetAddress[] addresses) {
        if (addresses.length == 0) {
            throw failed("Cannot resolve " + host);
        }
        for (InetAddress address : addresses) {
            boolean blockedHere = blocked.stream().anyMatch(range -> range.contains(address))
                    && allowed.stream().noneMatch(range -> range.contains(address));
            if (blockedHere) {
                log.info("URL preview refused: {} resolves to {}, a blocked address", host, address.getHostAddress());
                throw new MatrixException(ErrorCode.FORBIDDEN, "URL blocked: it resolves to a forbidden address");
            }
        }
        return addresses[0];
    }

    /** One answer: the fetched resource, or where a redirect points. */
    private record Response(Fetched fetched, Optional<String> location) {}

    private Mono<Response> request(URI uri, String host, InetAddress address) {
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        InetSocketAddress target;
        try {
            // The checked address, carrying the host name for the TLS engine's certificate check.
            target = new InetSocketAddress(InetAddress.getByAddress(host, address.getAddress()), port);
        } catch (UnknownHostException e) {
            return Mono.error(e);
        }
        HttpClient client = HttpClient.newConnection()
                .remoteAddress(() -> target)
                .followRedirect(false)
                .responseTimeout(timeout)
                .headers(headers -> headers.set(
                                HttpHeaderNames.HOST, uri.getRawAuthority().replaceFirst("^.*@", ""))
                        .set(HttpHeaderNames.USER_AGENT, "Lattice URL preview (Matrix homeserver)")
                        .set(HttpHeaderNames.ACCEPT, "text/html,application/xhtml+xml,image/*;q=0.9,*/*;q=0.1"));
        if (https) {
            client = client.secure(spec -> spec.sslContext(tls).handlerConfigurator(handler -> {
                SSLEngine engine = handler.engine();
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (!host.contains(":") && !host.matches("[0-9.]+")) {
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                }
                engine.setSSLParameters(parameters);
            }));
        }
        String pathAndQuery = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        return client.get()
                .uri(pathAndQuery)
                .response((response, content) -> {
                    int status = response.status().code();
                    String location = response.responseHeaders().get(HttpHeaderNames.LOCATION);
                    if (status >= 300 && status < 400 && location != null) {
                        return content.then(Mono.just(new Response(null, Optional.of(location))));
                    }
                    if (status != 200) {
                        return content.then(Mono.<Response>error(failed("the server answered " + status)));
                    }
                    Optional<String> contentType =
                            Optional.ofNullable(response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE));
                    return content.asByteArray()
                            .reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
                                if (out.size() + (long) chunk.length > maxBytes) {
                                    throw failed("larger than " + maxBytes + " bytes");
                                }
                                out.writeBytes(chunk);
                                return out;
                            })
                            .defaultIfEmpty(new ByteArrayOutputStream())
                            .map(out ->
                                    new Response(new Fetched(uri, contentType, out.toByteArray()), Optional.empty()));
                })
                .next();
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static MatrixException failed(String why) {
        return new MatrixException(ErrorCode.UNKNOWN, "Cannot preview the URL: " + why).withHttpStatus(502);
    }
}
