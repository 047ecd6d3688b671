package dev.lattice.federationapi.internal;

import dev.lattice.protocol.id.ServerName;
import reactor.core.publisher.Mono;

/** Finds where to send requests for a server name. */
@FunctionalInterface
public interface ServerResolver {
    Mono<ResolvedServer> resolve(ServerName serverName);
}
