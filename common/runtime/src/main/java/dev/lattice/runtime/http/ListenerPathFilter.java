package dev.lattice.runtime.http;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.net.InetSocketAddress;
import java.util.function.IntSupplier;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Keeps the two public surfaces apart although one handler serves both listeners: the federation port answers
 * only {@code /_matrix/federation/**} and {@code /_matrix/key/**}, the client port everything else. A path asked on
 * the wrong listener is unknown there ({@code 404 M_UNRECOGNIZED}), as if it were another server.
 */
public final class ListenerPathFilter implements WebFilter {
    private final IntSupplier federationPort;

    /** @param federationPort the federation listener's bound port, or -1 when this process has none */
    public ListenerPathFilter(IntSupplier federationPort) {
        this.federationPort = federationPort;
    }

    public static boolean isFederationPath(String path) {
        return path.startsWith("/_matrix/federation/") || path.startsWith("/_matrix/key/");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (path.equals("/_lattice/health")) {
            return chain.filter(exchange);
        }
        InetSocketAddress local = exchange.getRequest().getLocalAddress();
        boolean onFederationListener = local != null && local.getPort() == federationPort.getAsInt();
        if (onFederationListener != isFederationPath(path)) {
            return Mono.error(new MatrixException(ErrorCode.UNRECOGNIZED, "Unrecognized request"));
        }
        return chain.filter(exchange);
    }
}
