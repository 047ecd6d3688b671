package dev.lattice.testing.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Mono;

/**
 * Checks every JSON response an in-process IT's server writes against {@link ClientServerSpec}: an HTTP handler
 * decorator (installed by {@link SpecConformanceAutoConfiguration} in every Spring Boot context of a test JVM), so
 * it sees what the client sees, the error bodies written by the exception handlers included. A mismatch is logged
 * and kept until {@link SpecConformanceExtension} fails the test that caused it.
 */
public final class SpecConformance implements HttpHandlerDecoratorFactory {
    private static final Logger log = LoggerFactory.getLogger(SpecConformance.class);
    private static final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private static final AtomicLong checked = new AtomicLong();

    private final ClientServerSpec spec;

    public SpecConformance(ClientServerSpec spec) {
        this.spec = spec;
    }

    /** The violations seen since the last call, and forgets them. */
    public static List<String> drainViolations() {
        List<String> drained = new ArrayList<>();
        for (String violation; (violation = violations.poll()) != null; ) {
            drained.add(violation);
        }
        return drained;
    }

    /** How many JSON responses were checked in this JVM so far. */
    public static long checkedSoFar() {
        return checked.get();
    }

    @Override
    public HttpHandler apply(HttpHandler handler) {
        return (request, response) -> handler.handle(request, new Checked(request, response));
    }

    private final class Checked extends ServerHttpResponseDecorator {
        private final ServerHttpRequest request;

        Checked(ServerHttpRequest request, ServerHttpResponse response) {
            super(response);
            this.request = request;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            MediaType type = getHeaders().getContentType();
            if (type == null || !type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
                return super.writeWith(body);
            }
            return DataBufferUtils.join(body).flatMap(joined -> {
                byte[] bytes = new byte[joined.readableByteCount()];
                joined.read(bytes);
                DataBufferUtils.release(joined);
                check(bytes);
                return super.writeWith(Mono.just(bufferFactory().wrap(bytes)));
            });
        }

        private void check(byte[] body) {
            checked.incrementAndGet();
            HttpStatusCode status = getStatusCode();
            Optional<String> violation = spec.violation(
                    request.getMethod().name(), request.getPath().value(), status == null ? 200 : status.value(), body);
            violation.ifPresent(v -> {
                log.error("spec violation: {}", v);
                violations.add(v);
            });
        }
    }
}
