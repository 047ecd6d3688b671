package dev.lattice.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.clientapi.AccessTokenQuery;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.spec.MatrixException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import reactor.core.publisher.Mono;

class AccessTokensTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final AuthenticatedDevice ALICE = new AuthenticatedDevice(
            UserId.parse("@alice:example.org"), DeviceId.parse("PHONE"), false, Optional.empty());
    private static final AuthenticatedDevice EXPIRED = new AuthenticatedDevice(
            UserId.parse("@bob:example.org"), DeviceId.parse("OLD"), false, Optional.of(NOW.minusSeconds(1)));

    /** A hand-written fake: two known tokens. */
    private final AccessTokenQuery users = token -> Mono.just(
            Optional.ofNullable(Map.of("good", ALICE, "stale", EXPIRED).get(token)));

    private final AccessTokens accessTokens = new AccessTokens(() -> users, Clock.fixed(NOW, ZoneOffset.UTC));

    private static MockServerRequest.Builder request() {
        return MockServerRequest.builder().uri(URI.create("http://localhost/_matrix/client/v3/account/whoami"));
    }

    @Test
    void bearerHeaderAndDeprecatedQueryParameterBothWork() {
        assertThat(accessTokens
                        .authenticate(
                                request().header("Authorization", "Bearer good").build())
                        .block())
                .isEqualTo(ALICE);
        assertThat(accessTokens
                        .authenticate(
                                request().queryParam("access_token", "good").build())
                        .block())
                .isEqualTo(ALICE);
    }

    @Test
    void missingUnknownAndExpiredTokensAreRefused() {
        assertError(request().build(), "M_MISSING_TOKEN", null);
        assertError(request().header("Authorization", "Bearer nope").build(), "M_UNKNOWN_TOKEN", false);
        assertError(request().header("Authorization", "Bearer stale").build(), "M_UNKNOWN_TOKEN", true);
    }

    private void assertError(MockServerRequest request, String errcode, Boolean softLogout) {
        assertThatThrownBy(() -> accessTokens.authenticate(request).block())
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.errorCode().code()).isEqualTo(errcode);
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.extra().getBool("soft_logout")).isEqualTo(Optional.ofNullable(softLogout));
                });
    }
}
