package dev.lattice.federationapi.internal;

import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * The decisions of <a href="https://spec.matrix.org/v1.19/server-server-api/#resolving-server-names">Resolving server
 * names</a>, free of I/O; {@link MatrixServerResolver} does the lookups in between. The whole algorithm:
 *
 * <pre>{@code
 * direct(name)                                   // 1. IP literal, 2. explicit port: done
 * delegated = parseWellKnown(GET https://host/.well-known/matrix/server) or else name   // 3.
 * direct(delegated)                              // 3.1 IP literal, 3.2 explicit port: done
 * afterSrv(delegated.host(), SRV _matrix-fed._tcp.<host>, else SRV _matrix._tcp.<host>) // 3.3, 3.4, 4, 5
 * }</pre>
 */
public final class ServerDiscovery {
    /** The port when neither the name nor SRV gives one. */
    public static final int DEFAULT_PORT = 8448;

    /** The spec's recommended default for a {@code .well-known} answer without caching headers. */
    static final Duration WELL_KNOWN_DEFAULT_CACHE = Duration.ofHours(24);
    /** The spec's recommended maximum. */
    static final Duration WELL_KNOWN_MAX_CACHE = Duration.ofHours(48);
    /** NOTSPEC: Synapse's floor, so a {@code max-age=0} answer does not make every request look it up again. */
    static final Duration WELL_KNOWN_MIN_CACHE = Duration.ofMinutes(5);
    /** An answer that is not a valid delegation (non-200, bad JSON): the spec recommends at most an hour. */
    static final Duration WELL_KNOWN_INVALID_CACHE = Duration.ofHours(1);
    /** NOTSPEC: Synapse's first back-off after a connection failure, doubled per further failure up to an hour. */
    static final Duration WELL_KNOWN_FAILURE_BACKOFF = Duration.ofMinutes(2);

    /** {@code .well-known} bodies larger than this are invalid (Synapse reads at most 50 KiB too). */
    static final int WELL_KNOWN_MAX_BYTES = 50 * 1024;

    private ServerDiscovery() {}

    /**
     * Steps 1 and 2 (and 3.1, 3.2 for a delegated name): an IP literal, or a name with an explicit port, needs no
     * lookup but A/AAAA. The {@code Host} header is the name as written, port included; the certificate must be
     * valid for the host (the IP address for a literal).
     */
    public static Optional<ResolvedServer> direct(ServerName name) {
        String host = stripBrackets(name.host());
        if (name.isIpLiteral()) {
            return Optional.of(new ResolvedServer(host, name.port().orElse(DEFAULT_PORT), name.value(), host));
        }
        if (name.port().isPresent()) {
            return Optional.of(new ResolvedServer(host, name.port().getAsInt(), name.value(), host));
        }
        return Optional.empty();
    }

    /** The SRV names to try for {@code hostname}, in order: {@code _matrix-fed._tcp} then the deprecated one. */
    public static List<String> srvNames(String hostname) {
        return List.of("_matrix-fed._tcp." + hostname, "_matrix._tcp." + hostname);
    }

    /**
     * Steps 3.3/3.4 (and 4/5): with SRV targets ({@link #orderSrv}), connect to the first, and to the others in turn
     * when it refuses; without, to {@code hostname} on 8448. Either way the {@code Host} header and the certificate
     * are {@code hostname}'s, never the SRV target's: DNS is not trusted to delegate, TLS is.
     */
    public static ResolvedServer afterSrv(String hostname, List<SrvTarget> srv) {
        if (srv.isEmpty()) {
            return new ResolvedServer(hostname, DEFAULT_PORT, hostname, hostname);
        }
        SrvTarget first = srv.getFirst();
        return new ResolvedServer(first.host(), first.port(), hostname, hostname, srv.subList(1, srv.size()));
    }

    /**
     * The delegated server name in a {@code .well-known/matrix/server} answer; empty when the answer is invalid
     * (non-200, too large, not a JSON object, {@code m.server} missing or not a server name), which sends
     * resolution on with the original name.
     */
    public static Optional<ServerName> parseWellKnown(int status, byte[] body) {
        if (status != 200 || body.length > WELL_KNOWN_MAX_BYTES) {
            return Optional.empty();
        }
        try {
            if (!(CanonicalJson.parse(body) instanceof JsonObject object)) {
                return Optional.empty();
            }
            return object.getString("m.server").map(ServerName::parse);
        } catch (CanonicalJsonException | InvalidIdException e) {
            return Optional.empty();
        }
    }

    /**
     * How long a valid {@code .well-known} answer is cached: {@code no-store} or an invalid {@code Expires} as
     * little as allowed, else {@code max-age}, else {@code Expires}, else 24 hours; always within [5 min, 48 h].
     */
    public static Duration wellKnownCachePeriod(Optional<String> cacheControl, Optional<String> expires, Instant now) {
        Duration period = null;
        if (cacheControl.isPresent()) {
            for (String directive : cacheControl.get().split(",")) {
                String d = directive.strip().toLowerCase(Locale.ROOT);
                if (d.equals("no-store")) {
                    return WELL_KNOWN_MIN_CACHE;
                }
                if (d.startsWith("max-age=")) {
                    try {
                        period = Duration.ofSeconds(Long.parseLong(d.substring("max-age=".length())));
                    } catch (NumberFormatException e) {
                        // an unreadable max-age is ignored, as Synapse does
                    }
                }
            }
        }
        if (period == null && expires.isPresent()) {
            try {
                Instant until = ZonedDateTime.parse(expires.get().strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                period = Duration.between(now, until);
            } catch (DateTimeParseException e) {
                period = Duration.ZERO; // RFC 9111: an invalid Expires means already expired
            }
        }
        if (period == null) {
            return WELL_KNOWN_DEFAULT_CACHE;
        }
        return clamp(period, WELL_KNOWN_MIN_CACHE, WELL_KNOWN_MAX_CACHE);
    }

    /** How long to wait before trying a {@code .well-known} again after {@code failures} failed connections in a row. */
    public static Duration wellKnownFailureBackoff(int failures) {
        Duration backoff = WELL_KNOWN_FAILURE_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 10));
        return clamp(backoff, WELL_KNOWN_FAILURE_BACKOFF, WELL_KNOWN_INVALID_CACHE);
    }

    /**
     * The SRV targets in the order to try them (RFC 2782): lowest priority first, and within a priority a weighted
     * random order (each pick weighted among the records not yet picked). A single record with target {@code .}
     * means the service is decidedly not available: empty.
     *
     * @param random given a bound n, a number in [0, n)
     */
    public static List<SrvTarget> orderSrv(List<SrvRecord> records, IntUnaryOperator random) {
        if (notAvailable(records)) {
            return List.of();
        }
        List<SrvTarget> ordered = new ArrayList<>();
        records.stream().map(SrvRecord::priority).distinct().sorted().forEach(priority -> {
            List<SrvRecord> candidates = new ArrayList<>(atPriority(records, priority));
            while (!candidates.isEmpty()) {
                SrvRecord picked = weightedPick(candidates, random);
                candidates.remove(picked);
                ordered.add(new SrvTarget(picked.host(), picked.port()));
            }
        });
        return ordered;
    }

    private static boolean notAvailable(List<SrvRecord> records) {
        return records.isEmpty()
                || records.size() == 1 && records.getFirst().host().equals(".");
    }

    /** The usable records of one priority, lightest first (the order the weighted pick counts its slots in). */
    private static List<SrvRecord> atPriority(List<SrvRecord> records, int priority) {
        return records.stream()
                .filter(r -> r.priority() == priority && !r.host().equals("."))
                .sorted(Comparator.comparingInt(SrvRecord::weight))
                .toList();
    }

    private static SrvRecord weightedPick(List<SrvRecord> candidates, IntUnaryOperator random) {
        // Each weight counts one more, so that weight-0 records keep the small chance RFC 2782 gives them.
        int total = candidates.stream().mapToInt(r -> r.weight() + 1).sum();
        int pick = random.applyAsInt(total);
        for (SrvRecord candidate : candidates) {
            pick -= candidate.weight() + 1;
            if (pick < 0) {
                return candidate;
            }
        }
        throw new IllegalStateException("random gave a number outside [0, " + total + ")");
    }

    /** Whether {@code host} is an IPv4 or (bracketed or bare) IPv6 literal rather than a DNS name. */
    static boolean isIpLiteral(String host) {
        return host.startsWith("[") || host.contains(":") || host.matches("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+");
    }

    static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    /** Where an SRV record points: the host (a DNS name, without the trailing dot) and port. */
    public record SrvTarget(String host, int port) {}

    /** One SRV record as DNS returned it. */
    public record SrvRecord(int priority, int weight, int port, String host) {}
}
