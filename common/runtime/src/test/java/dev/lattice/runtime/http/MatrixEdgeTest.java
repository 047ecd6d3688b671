package dev.lattice.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.HttpMethod;
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
            .POST("/_matrix/client/v3/refresh", request -> ServerResponse.ok().bodyValue(Map.of()))
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
        context.registerBean(LegacyPrefixFilter.class, LegacyPrefixFilter::new);
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
        assertUnrecognized(client.get().uri("/_matrix/client/v3/nonsense").exchange(), 404);
    }

    private static void assertUnrecognized(WebTestClient.ResponseSpec response, int status) {
        response.expectStatus()
                .isEqualTo(status)
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
    void legacyR0PrefixAliasesOnlyWhatExistedInR0() {
        client.post()
                .uri("/_matrix/client/r0/login?x=1")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"type\": \"m.login.password\"}")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("m.login.password");
        client.get()
                .uri("/_matrix/client/r0/login")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .valueEquals("Allow", "POST");
        // /refresh came in v1.3: served under v3 only
        client.post()
                .uri("/_matrix/client/v3/refresh")
                .exchange()
                .expectStatus()
                .isOk();
        assertUnrecognized(client.post().uri("/_matrix/client/r0/refresh").exchange(), 404);
    }

    @Test
    void legacyPathsMapToTheirV3FormOnly() {
        assertThat(LegacyPrefixFilter.currentPath(
                        HttpMethod.PUT, "/_matrix/client/r0/rooms/%21a%3Ab/send/m.room.message/t%2F1"))
                .isEqualTo("/_matrix/client/v3/rooms/%21a%3Ab/send/m.room.message/t%2F1");
        assertThat(LegacyPrefixFilter.currentPath(
                        HttpMethod.PUT, "/_matrix/client/r0/rooms/%21a%3Ab/state/m.room.name"))
                .isEqualTo("/_matrix/client/v3/rooms/%21a%3Ab/state/m.room.name");
        assertThat(LegacyPrefixFilter.currentPath(HttpMethod.GET, "/_matrix/media/r0/download/x/y"))
                .isEqualTo("/_matrix/media/v3/download/x/y");
        assertThat(LegacyPrefixFilter.currentPath(HttpMethod.GET, "/_matrix/client/r0/profile/%40a%3Ab/displayname"))
                .isEqualTo("/_matrix/client/v3/profile/%40a%3Ab/displayname");
        // added since r0: DELETE of a profile field (v1.16), other fields, knocking and room reports (v1.1, v1.13)
        assertThat(LegacyPrefixFilter.currentPath(HttpMethod.DELETE, "/_matrix/client/r0/profile/%40a%3Ab/displayname"))
                .isNull();
        assertThat(LegacyPrefixFilter.currentPath(HttpMethod.PUT, "/_matrix/client/r0/profile/%40a%3Ab/m.tz"))
                .isNull();
        assertThat(LegacyPrefixFilter.currentPath(HttpMethod.POST, "/_matrix/client/r0/knock/%21a%3Ab"))
                .isNull();
        assertThat(LegacyPrefixFilter.currentPath(HttpMethod.POST, "/_matrix/client/r0/rooms/%21a%3Ab/report"))
                .isNull();
        assertThat(LegacyPrefixFilter.currentPath(HttpMethod.PUT, "/_matrix/media/r0/upload/x/y"))
                .isNull();
        assertThat(LegacyPrefixFilter.currentPath(HttpMethod.GET, "/_matrix/client/v3/sync"))
                .isNull();
        assertThat(LegacyPrefixFilter.currentPath(HttpMethod.GET, "/_matrix/client/r0sync"))
                .isNull();
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
