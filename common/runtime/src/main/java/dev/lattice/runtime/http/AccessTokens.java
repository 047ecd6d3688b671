package dev.lattice.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AccessTokenQuery;
import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.api.clientapi.UserApi;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Authenticates a client request by its access token, for every service's handlers: the token comes from
 * {@code Authorization: Bearer <token>} or the deprecated {@code access_token} query parameter and is resolved
 * through the client-api's {@link AccessTokenQuery} (part of {@link UserApi}). Failures are the spec's {@code 401 M_MISSING_TOKEN} and {@code 401 M_UNKNOWN_TOKEN}
 * (with {@code soft_logout}: true only for an expired token).
 *
 * <pre>{@code
 * accessTokens.authenticate(request).flatMap(device -> devices.queryDevices(device))
 * }</pre>
 */
public final class AccessTokens {
    private static final String BEARER = "Bearer ";

    private final Supplier<? extends AccessTokenQuery> users;
    private final Clock clock;

    /** @param users resolved on first use, so a process without the client-api fails only when asked */
    public AccessTokens(Supplier<? extends AccessTokenQuery> users, Clock clock) {
        this.users = requireNonNull(users, "users is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The device behind the request's access token, or a {@link MatrixException} (401). */
    public Mono<AuthenticatedDevice> authenticate(ServerRequest request) {
        Optional<String> token = token(request);
        if (token.isEmpty()) {
            return Mono.error(new MatrixException(ErrorCode.MISSING_TOKEN, "Missing access token"));
        }
        return users.get().queryAccessToken(token.get()).flatMap(found -> {
            if (found.isEmpty()) {
                return Mono.error(unknownToken("Unrecognised access token", false));
            }
            if (found.get().isExpiredAt(clock.instant())) {
                return Mono.error(unknownToken("Access token has expired", true));
            }
            return Mono.just(found.get());
        });
    }

    /** The access token the request carries: the {@code Authorization} header first, then the query parameter. */
    public static Optional<String> token(ServerRequest request) {
        String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = header.substring(BEARER.length()).trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        return request.queryParam("access_token").filter(token -> !token.isEmpty());
    }

    private static MatrixException unknownToken(String message, boolean softLogout) {
        return new MatrixException(ErrorCode.UNKNOWN_TOKEN, message).withField("soft_logout", JsonBool.of(softLogout));
    }
}
