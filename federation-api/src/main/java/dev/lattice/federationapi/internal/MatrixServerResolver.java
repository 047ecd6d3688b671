package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.ServerName;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * {@link ServerResolver} by the spec's algorithm ({@link ServerDiscovery} holds the decisions): {@code .well-known}
 * over HTTPS (cached per its headers, failures backed off), SRV {@code _matrix-fed._tcp} then {@code _matrix._tcp}
 * (every target, in RFC 2782's order: the later ones are where to connect when the first refuses), then port 8448.
 */
public final class MatrixServerResolver implements ServerResolver {
    private static final Logger log = LoggerFactory.getLogger(MatrixServerResolver.class);

    /** Redirects followed for one {@code .well-known} lookup; more is a loop or abuse. */
    static final int MAX_REDIRECTS = 5;

    private final DnsLookups dns;
    private final HttpsExchange https;
    private final int wellKnownPort;
    private final Clock clock;
    private final Map<String, CachedWellKnown> wellKnownCache = new ConcurrentHashMap<>();

    /**
     * @param wellKnownPort 443 in production; a test's HTTPS server elsewhere
     */
    public MatrixServerResolver(DnsLookups dns, HttpsExchange https, int wellKnownPort, Clock clock) {
        this.dns = requireNonNull(dns, "dns is null");
        this.https = requireNonNull(https, "https is null");
        this.wellKnownPort = wellKnownPort;
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A {@code .well-known} result and until when it holds. */
    private record CachedWellKnown(Optional<ServerName> delegated, Instant expires, int failures) {}

    @Override
    public Mono<ResolvedServer> resolve(ServerName serverName) {
        Optional<ResolvedServer> direct = ServerDiscovery.direct(serverName);
        if (direct.isPresent()) {
            return Mono.just(direct.get());
        }
        return wellKnown(serverName.host()).flatMap(delegated -> {
            ServerName target = delegated.orElse(serverName);
            return ServerDiscovery.direct(target).map(Mono::just).orElseGet(() -> srv(target.host()));
        });
    }

    private Mono<ResolvedServer> srv(String hostname) {
        List<String> names = ServerDiscovery.srvNames(hostname);
        return dns.srv(names.get(0))
                .flatMap(records -> records.isEmpty() ? dns.srv(names.get(1)) : Mono.just(records))
                .map(records -> ServerDiscovery.afterSrv(
                        hostname,
                        ServerDiscovery.orderSrv(
                                records, bound -> ThreadLocalRandom.current().nextInt(bound))));
    }

    /** The delegation {@code hostname}'s {@code .well-known} announces, from the cache while it holds. */
    Mono<Optional<ServerName>> wellKnown(String hostname) {
        CachedWellKnown cached = wellKnownCache.get(hostname);
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cached.expires())) {
            return Mono.just(cached.delegated());
        }
        int port = wellKnownPort;
        String hostHeader = port == 443 ? hostname : hostname + ":" + port;
        return fetchWellKnown(
                        new ResolvedServer(hostname, port, hostHeader, hostname),
                        "/.well-known/matrix/server",
                        new HashSet<>())
                .map(response -> {
                    Optional<ServerName> delegated = ServerDiscovery.parseWellKnown(response.status(), response.body());
                    Duration period = delegated.isPresent()
                            ? ServerDiscovery.wellKnownCachePeriod(
                                    Optional.ofNullable(response.headers().get(HttpHeaderNames.CACHE_CONTROL)),
                                    Optional.ofNullable(response.headers().get(HttpHeaderNames.EXPIRES)),
                                    clock.instant())
                            : ServerDiscovery.WELL_KNOWN_INVALID_CACHE;
                    wellKnownCache.put(
                            hostname,
                            new CachedWellKnown(delegated, clock.instant().plus(period), 0));
                    return delegated;
                })
                .onErrorResume(e -> {
                    int failures = cached != null ? cached.failures() + 1 : 1;
                    Duration backoff = ServerDiscovery.wellKnownFailureBackoff(failures);
                    log.debug("no .well-known for {} ({}); retried in {}", hostname, e.getMessage(), backoff);
                    wellKnownCache.put(
                            hostname,
                            new CachedWellKnown(
                                    Optional.empty(), clock.instant().plus(backoff), failures));
                    return Mono.just(Optional.empty());
                });
    }

    /** One GET, following HTTPS redirects up to {@link #MAX_REDIRECTS}, never to the same URL twice. */
    private Mono<HttpsExchange.Response> fetchWellKnown(ResolvedServer target, String path, Set<String> visited) {
        String url = "https://" + target.hostHeader() + path;
        if (!visited.add(url) || visited.size() > MAX_REDIRECTS + 1) {
            return Mono.error(new FederationRequestException("too many or looping redirects at " + url, null));
        }
        return https.exchange(
                        target,
                        HttpMethod.GET,
                        path,
                        Optional.empty(),
                        Optional.empty(),
                        ServerDiscovery.WELL_KNOWN_MAX_BYTES)
                .flatMap(response -> {
                    String location = response.headers().get(HttpHeaderNames.LOCATION);
                    if (response.status() / 100 != 3 || location == null) {
                        return Mono.just(response);
                    }
                    URI next = URI.create(url).resolve(location);
                    if (!"https".equals(next.getScheme()) || next.getHost() == null) {
                        return Mono.just(response); // not followable: counts as an invalid answer
                    }
                    int port = next.getPort() < 0 ? 443 : next.getPort();
                    String host = next.getHost();
                    String hostHeader = port == 443 ? host : host + ":" + port;
                    String nextPath = next.getRawPath() + (next.getRawQuery() != null ? "?" + next.getRawQuery() : "");
                    return fetchWellKnown(
                            new ResolvedServer(host, port, hostHeader, ServerDiscovery.stripBrackets(host)),
                            nextPath,
                            visited);
                });
    }
}
