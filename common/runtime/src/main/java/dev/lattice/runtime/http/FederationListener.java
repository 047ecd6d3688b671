package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.lattice.runtime.tls.FederationCertificate;
import io.netty.handler.ssl.SslContext;
import java.net.BindException;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;

/**
 * The HTTPS listener other servers reach (8448 by default). It serves the same handler as the client listener;
 * {@link ListenerPathFilter} restricts it to the federation paths.
 */
public final class FederationListener implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(FederationListener.class);

    private final HttpHandler handler;
    private final String bindAddress;
    private final int port;
    /**
     * Built on another thread from construction on: reading the key and making the TLS context took 0.4 s, at the end
     * of the start's critical path, while the other core had nothing to do.
     */
    private final CompletableFuture<SslContext> tls;

    private volatile DisposableServer server;

    public FederationListener(HttpHandler handler, String bindAddress, int port, FederationCertificate certificate) {
        this.handler = requireNonNull(handler, "handler is null");
        this.bindAddress = requireNonNull(bindAddress, "bindAddress is null");
        this.port = port;
        requireNonNull(certificate, "certificate is null");
        this.tls = CompletableFuture.supplyAsync(() -> {
            try {
                return Http11SslContextSpec.forServer(
                                certificate.certificateChain().toFile(),
                                certificate.privateKey().toFile())
                        .sslContext();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot use the federation certificate: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void start() {
        SslContext context = tls.join();
        try {
            server = HttpServer.create()
                    .host(bindAddress)
                    .port(port)
                    .secure(spec -> spec.sslContext(context))
                    .handle(new ReactorHttpHandlerAdapter(handler))
                    .bindNow();
            log.info("federation listener on https://{}:{}", bindAddress, server.port());
        } catch (RuntimeException e) {
            if (hasCause(e, BindException.class)) {
                throw new PortInUseException(port, "lattice.federation.port", e);
            }
            throw e;
        }
    }

    /**
     * Before the client listener (Spring Boot's web server starts at {@code Integer.MAX_VALUE - 2048}), so that once
     * clients are answered, other servers are too.
     */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 4096;
    }

    /** The port actually bound (useful when configured as 0). */
    public int boundPort() {
        return server != null ? server.port() : port;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.disposeNow();
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
