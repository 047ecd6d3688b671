package dev.lattice.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The shared HTTP edge: unknown routes, wrong methods, JSON bodies, CORS and error rendering. */
class MatrixEdgeTest {
    record Login(String type, String password) {}

    private final KnownRoutes knownRoutes = new KnownRoutes();
    private final MatrixRouter router = new MatrixRouter(knownRoutes);
    private final JsonBodies bodies = strictBodies();
    private final WebTestClient client = client(router.builder()
            .GET("/_matrix/client/versions", request -> ServerResponse.ok().bodyValue(Map.of("versions", List.of())))
            .POST(
                    "/_matrix/client/v3/login",
                    request -> bodies.read(request, Login.class)
                            .flatMap(login -> ServerResponse.ok().bodyValue(Map.of("type", login.type()))))
            .GET(
                    "/_matrix/client/v3/forbidden",
                    request -> Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "You may not")))
            .GET(
                    "/_matrix/client/v3/limited",
                    request -> Mono.error(MatrixException.limitExceeded("Too many requests", 2000)))
            .GET("/_matrix/client/v3/bug", request -> Mono.error(new IllegalStateException("secret internals")))
            .build());

    /** The routes behind WebFlux's real DispatcherHandler, so unmatched requests fail as they do in production. */
    private WebTestClient client(RouterFunction<ServerResponse> routes) {
        var context = new AnnotationConfigApplicationContext();
        context.register(WebFluxConfig.class);
        context.registerBean("routes", RouterFunction.class, () -> routes);
        context.registerBean(CorsFilter.class, CorsFilter::new);
        context.registerBean(MatrixErrorHandler.class, () -> new MatrixErrorHandler(knownRoutes));
        context.refresh();
        return WebTestClient.bindToApplicationContext(context).build();
    }

    @EnableWebFlux
    static class WebFluxConfig {}

    private static JsonBodies strictBodies() {
        // The production bean, so the test exercises the same strictness settings.
        return new dev.lattice.runtime.LatticeRuntimeConfiguration().jsonBodiesForTest();
    }

    @Test
    void knownRouteAnswers() {
        client.get()
                .uri("/_matrix/client/versions")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.versions")
                .isArray();
    }

    @Test
    void unknownPathIs404Unrecognized() {
        client.get()
                .uri("/_matrix/client/v3/nonsense")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_UNRECOGNIZED");
    }

    @Test
    void knownPathWithWrongMethodIs405Unrecognized() {
        client.post()
                .uri("/_matrix/client/versions")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("Allow", "GET,HEAD")
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_UNRECOGNIZED");
    }

    @Test
    void headIsServedWhereGetIs() {
        client.head()
                .uri("/_matrix/client/versions")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .isEmpty();
        client.head()
                .uri("/_matrix/client/v3/login")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("Allow", "POST");
    }

    @Test
    void malformedJsonIsNotJson() {
        postLogin("{\"type\": ")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_NOT_JSON");
    }

    @Test
    void invalidUtf8IsNotJson() {
        // an overlong "/" (C0 AF), which a lenient decoder reads as "/"
        byte[] overlong = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        postLogin(overlong)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_NOT_JSON");
    }

    @Test
    void emptyBodyIsNotJson() {
        client.post()
                .uri("/_matrix/client/v3/login")
                .contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_NOT_JSON");
    }

    @Test
    void wrongShapeIsBadJson() {
        postLogin("{\"type\": 42}")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_BAD_JSON");
        postLogin("[1, 2]")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_BAD_JSON");
    }

    @Test
    void duplicateKeysAreRefused() {
        postLogin("{\"type\": \"a\", \"type\": \"b\"}")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errcode")
                .value(code -> assertThat(code).isIn("M_NOT_JSON", "M_BAD_JSON"));
    }

    @Test
    void excessiveNestingIsBadJson() {
        String deep = "{\"type\":\"a\",\"x\":" + "[".repeat(500) + "]".repeat(500) + "}";
        postLogin(deep)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_BAD_JSON");
    }

    @Test
    void validBodyIsDecoded() {
        postLogin("{\"type\": \"m.login.password\", \"extra\": true}")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("m.login.password");
    }

    @Test
    void matrixExceptionRendersErrcodeStatusAndExtraFields() {
        client.get()
                .uri("/_matrix/client/v3/forbidden")
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_FORBIDDEN")
                .jsonPath("$.error")
                .isEqualTo("You may not");
        client.get()
                .uri("/_matrix/client/v3/limited")
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectBody()
                .jsonPath("$.errcode")
                .isEqualTo("M_LIMIT_EXCEEDED")
                .jsonPath("$.retry_after_ms")
                .isEqualTo(2000);
        client.get().uri("/_matrix/client/v3/limited").exchange().expectHeader().valueEquals("Retry-After", "2");
    }

    @Test
    void unexpectedFailureIs500WithoutInternals() {
        client.get()
                .uri("/_matrix/client/v3/bug")
                .exchange()
                .expectStatus()
                .isEqualTo(500)
                .expectBody(String.class)
                .value(body -> assertThat(body).contains("M_UNKNOWN").doesNotContain("secret internals"));
    }

    @Test
    void preflightIsAnsweredWithCorsHeaders() {
        client.options()
                .uri("/_matrix/client/v3/login")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("Access-Control-Allow-Origin", "*")
                .expectHeader()
                .value(
                        "Access-Control-Allow-Methods",
                        methods -> assertThat(methods).contains("PUT"));
        client.get()
                .uri("/_matrix/client/versions")
                .exchange()
                .expectHeader()
                .valueEquals("Access-Control-Allow-Origin", "*");
    }

    private WebTestClient.ResponseSpec postLogin(String body) {
        return postLogin(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private WebTestClient.ResponseSpec postLogin(byte[] body) {
        return client.post()
                .uri("/_matrix/client/v3/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }
}
