package dev.lattice.mediaapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.net.IpRange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SSRF guard of URL previews against real HTTP servers on loopback: one on 127.0.0.2, the only address the
 * guard is told to allow, and one on 127.0.0.1 standing for the server's own network, which must never be reached.
 */
class PreviewFetcherIT {
    private static HttpServer allowed;
    private static HttpServer internal;
    private static final AtomicInteger internalHits = new AtomicInteger();
    private static String page;
    private static String secret;

    private static final PreviewFetcher FETCHER = new PreviewFetcher(
            IpRange.NON_PUBLIC.stream().map(IpRange::parse).toList(),
            List.of(IpRange.parse("127.0.0.2/32")),
            1024 * 1024,
            Duration.ofSeconds(3),
            PreviewFetcher::systemResolver);

    @BeforeAll
    static void start() throws IOException {
        internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        internal.createContext("/", exchange -> {
            internalHits.incrementAndGet();
            answer(exchange, 200, "text/plain", "internal secret");
        });
        internal.start();
        secret = "http://127.0.0.1:" + internal.getAddress().getPort() + "/secret";

        allowed = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        allowed.createContext("/page", exchange -> answer(exchange, 200, "text/html", "<title>Hello</title>"));
        allowed.createContext("/hop", exchange -> redirect(exchange, "/page"));
        allowed.createContext("/to-internal", exchange -> redirect(exchange, secret));
        allowed.createContext(
                "/to-metadata", exchange -> redirect(exchange, "http://169.254.169.254/latest/meta-data/"));
        allowed.createContext("/to-file", exchange -> redirect(exchange, "file:///etc/passwd"));
        allowed.createContext("/loop", exchange -> redirect(exchange, "/loop"));
        allowed.createContext("/big", exchange -> answer(exchange, 200, "text/html", "x".repeat(1024 * 1024 + 1)));
        allowed.createContext("/missing", exchange -> answer(exchange, 404, "text/html", "gone"));
        allowed.createContext("/slow", exchange -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "text/html", "late");
        });
        allowed.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        allowed.start();
        page = "http://127.0.0.2:" + allowed.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        allowed.stop(0);
        internal.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private static void assertRefused(String url, int status, String errcode) {
        assertThatThrownBy(() -> FETCHER.fetch(url).block())
                .as(url)
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(status);
                    assertThat(e.errorCode().code()).isEqualTo(errcode);
                });
    }

    @Test
    void anAllowedAddressIsFetchedFollowingRedirects() {
        PreviewFetcher.Fetched fetched = FETCHER.fetch(page + "/hop").block();
        assertThat(new String(fetched.body(), StandardCharsets.UTF_8)).isEqualTo("<title>Hello</title>");
        assertThat(fetched.uri().toString()).isEqualTo(page + "/page");
        assertThat(fetched.contentType()).contains("text/html");
    }

    @Test
    void blockedAddressesAreNeverConnectedTo() {
        int before = internalHits.get();
        assertRefused(secret, 403, "M_FORBIDDEN");
        // A name that resolves into the blocklist.
        assertRefused("http://localhost:" + internal.getAddress().getPort() + "/secret", 403, "M_FORBIDDEN");
        assertRefused("http://[::1]:" + internal.getAddress().getPort() + "/", 403, "M_FORBIDDEN");
        assertRefused("http://169.254.169.254/latest/meta-data/", 403, "M_FORBIDDEN");
        assertRefused("http://0.0.0.0:" + internal.getAddress().getPort() + "/", 403, "M_FORBIDDEN");
        // Redirects from an allowed page are checked as any URL.
        assertRefused(page + "/to-internal", 403, "M_FORBIDDEN");
        assertRefused(page + "/to-metadata", 403, "M_FORBIDDEN");
        assertThat(internalHits.get()).isEqualTo(before);
    }

    @Test
    void aNameWithOneBlockedAddressAmongPublicOnesIsRefused() throws Exception {
        InetAddress[] rebinding = {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.1.2.3")};
        assertThatThrownBy(() -> FETCHER.checked("rebinding.example", rebinding))
                .isInstanceOfSatisfying(
                        MatrixException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
        assertThat(FETCHER.checked("public.example", new InetAddress[] {rebinding[0]}))
                .isEqualTo(rebinding[0]);
    }

    @Test
    void badUrlsAndBadAnswersAreTheSpecsErrors() {
        assertRefused("file:///etc/passwd", 400, "M_INVALID_PARAM");
        assertRefused("gopher://127.0.0.2/", 400, "M_INVALID_PARAM");
        assertRefused("not a url", 400, "M_INVALID_PARAM");
        assertRefused("http:///nohost", 400, "M_INVALID_PARAM");
        assertRefused(page + "/to-file", 502, "M_UNKNOWN");
        assertRefused(page + "/loop", 502, "M_UNKNOWN");
        assertRefused(page + "/big", 502, "M_UNKNOWN");
        assertRefused(page + "/missing", 502, "M_UNKNOWN");
        assertRefused(page + "/slow", 502, "M_UNKNOWN");
        assertRefused("http://does-not-exist.invalid/", 502, "M_UNKNOWN");
    }
}
