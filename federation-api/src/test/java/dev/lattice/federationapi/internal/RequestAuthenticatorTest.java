package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.federation.FederationRequest;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class RequestAuthenticatorTest {
    private static final ServerName US = ServerName.parse("us.example");
    private static final ServerName THEM = ServerName.parse("them.example");
    private static final SigningKey KEY = SigningKey.generate("k");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);
    private static final String URI = "/_matrix/federation/v1/query/profile?user_id=%40a%3Aus.example";

    private static RequestAuthenticator authenticator(boolean retired) {
        VerifyKey key = new VerifyKey(KEY.keyId(), KEY.verifyKey().publicKey(), CLOCK.millis() + 1000);
        return new RequestAuthenticator(
                US,
                (server, keyId, minimum) -> Mono.just(
                        server.equals(THEM) && keyId.equals(KEY.keyId())
                                ? Optional.of(new KeyRingKey(key, retired))
                                : Optional.empty()),
                CLOCK);
    }

    private static String header() {
        return new FederationRequest("GET", URI, THEM, US, Optional.empty())
                .sign(KEY)
                .toHeaderValue();
    }

    @Test
    void acceptsAValidSignatureAndNamesTheOrigin() {
        assertThat(authenticator(false)
                        .authenticate("GET", URI, Optional.empty(), List.of("Bearer x", header()))
                        .block())
                .isEqualTo(THEM);
    }

    @Test
    void refusesMissingMalformedAndRetiredKeyCredentials() {
        for (List<String> headers :
                List.of(List.<String>of(), List.of("Bearer x"), List.of("X-Matrix origin=them.example"))) {
            assertUnauthorized(authenticator(false), headers);
        }
        // A key its owner retired never signs requests.
        assertUnauthorized(authenticator(true), List.of(header()));
    }

    private static void assertUnauthorized(RequestAuthenticator authenticator, List<String> headers) {
        assertThatThrownBy(() -> authenticator
                        .authenticate("GET", URI, Optional.empty(), headers)
                        .block())
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.httpStatus()).isEqualTo(401);
                });
    }
}
