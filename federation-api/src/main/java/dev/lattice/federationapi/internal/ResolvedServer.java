package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.federationapi.internal.ServerDiscovery.SrvTarget;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where to send requests for a server name, as <a
 * href="https://spec.matrix.org/v1.19/server-server-api/#resolving-server-names">Resolving server names</a> decides.
 *
 * @param connectHost the host to connect to: an IP literal (without brackets) or a DNS name still to resolve with
 *     AAAA/A records
 * @param port the TCP port
 * @param hostHeader the {@code Host} header to send
 * @param tlsName the name the server's certificate must be valid for; sent as SNI unless it is an IP literal
 * @param fallbacks where to connect, in order, when no address of {@code connectHost} accepts the connection: the
 *     name's further SRV targets, with the same {@code Host} header and certificate name
 */
public record ResolvedServer(
        String connectHost, int port, String hostHeader, String tlsName, List<SrvTarget> fallbacks) {
    public ResolvedServer {
        requireNonNull(connectHost, "connectHost is null");
        requireNonNull(hostHeader, "hostHeader is null");
        requireNonNull(tlsName, "tlsName is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        fallbacks = List.copyOf(fallbacks);
    }

    /** A server with one place to connect to. */
    public ResolvedServer(String connectHost, int port, String hostHeader, String tlsName) {
        this(connectHost, port, hostHeader, tlsName, List.of());
    }

    /** Where to connect, in order: {@code connectHost} on {@code port}, then the fallbacks. */
    public List<SrvTarget> connectTargets() {
        return Stream.concat(Stream.of(new SrvTarget(connectHost, port)), fallbacks.stream())
                .toList();
    }
}
