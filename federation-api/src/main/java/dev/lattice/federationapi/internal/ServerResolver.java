package dev.lattice.federationapi.internal;

import dev.lattice.protocol.id.ServerName;
import reactor.core.publisher.Mono;

/** Finds where to send requests for a server name. */
@FunctionalInterface
public interface ServerResolver {
    /**
     * The server name's host and port (8448 when none is given), with no {@code .well-known} or SRV lookup: what
     * resolution gives for IP literals and names with an explicit port.
     */
    ServerResolver DEFAULT_PORT_ONLY = name -> Mono.just(new ResolvedServer(
            name.host(), name.port().orElse(8448), name.value(), FederationClient.stripBrackets(name.host())));

    Mono<ResolvedServer> resolve(ServerName serverName);
}
