package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Login, logout, token refresh, whoami, and resolving access tokens for every service. */
public final class Sessions {
    private static final Map<String, Object> LOGIN_FLOWS = Map.of("flows", List.of(Map.of("type", UiaFlows.PASSWORD)));

    private final ClientApiDatabase database;
    private final PasswordHasher passwords;
    private final TokenIssuer tokens;
    private final RateLimits rateLimits;
    private final ServerName serverName;
    private final Clock clock;

    public Sessions(
            ClientApiDatabase database,
            PasswordHasher passwords,
            TokenIssuer tokens,
            RateLimits rateLimits,
            ServerName serverName,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.passwords = requireNonNull(passwords, "passwords is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.rateLimits = requireNonNull(rateLimits, "rateLimits is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** {@code GET /login}: password login only. */
    public Map<String, Object> loginFlows() {
        return LOGIN_FLOWS;
    }

    /**
     * {@code POST /login} with {@code m.login.password}. An unknown user and a wrong password are the same
     * {@code 403 M_FORBIDDEN}, in the same time (a bcrypt check runs either way).
     */
    public Mono<IssuedSession> login(LoginRequest request, String ip) {
        return Mono.defer(() -> {
            rateLimits.checkLogin(ip);
            if (request.type() == null) {
                // The spec names no errcode here and Synapse answers M_UNKNOWN ("Missing JSON keys."); like a
                // missing password below and every other missing body field, it is M_MISSING_PARAM.
                throw new MatrixException(ErrorCode.MISSING_PARAM, "type is required");
            }
            if (!UiaFlows.PASSWORD.equals(request.type())) {
                throw new MatrixException(ErrorCode.UNKNOWN, "Unknown login type " + request.type())
                        .withHttpStatus(400);
            }
            String localpart = Localparts.forLogin(user(request), serverName);
            if (request.password() == null) {
                throw new MatrixException(ErrorCode.MISSING_PARAM, "password is required");
            }
            String deviceId = Users.deviceIdOrNew(request.deviceId());
            return database.account(localpart)
                    .flatMap(account -> {
                        if (account.deactivated()) {
                            return Mono.error(new MatrixException(
                                    ErrorCode.USER_DEACTIVATED, "This account has been deactivated"));
                        }
                        return passwords.matches(request.password(), account.passwordHash());
                    })
                    .switchIfEmpty(passwords.matches(request.password(), null))
                    .flatMap(ok -> {
                        if (!ok) {
                            return Mono.error(new MatrixException(ErrorCode.FORBIDDEN, "Invalid username or password"));
                        }
                        long now = clock.millis();
                        TokenIssuer.Minted minted = tokens.mint(Boolean.TRUE.equals(request.refreshToken()), now);
                        return database.startSession(
                                        localpart,
                                        minted.session(deviceId, request.initialDeviceDisplayName(), ip),
                                        now)
                                .thenReturn(minted.answer(
                                        UserId.of(localpart, serverName).toString(), deviceId, serverName.value()));
                    });
        });
    }

    /** The user a login names: an {@code m.id.user} identifier or the deprecated {@code user}. */
    private static String user(LoginRequest request) {
        UserIdentifier identifier = request.identifier();
        if (identifier != null) {
            if (!UserIdentifier.USER.equals(identifier.type())) {
                throw new MatrixException(
                                ErrorCode.UNKNOWN,
                                "Identifier type " + identifier.type()
                                        + " is not supported: this server has no third-party identifiers; use m.id.user")
                        .withHttpStatus(400);
            }
            if (identifier.user() == null) {
                throw new MatrixException(ErrorCode.MISSING_PARAM, "identifier.user is required");
            }
            return identifier.user();
        }
        if (request.user() != null) {
            return request.user();
        }
        if (request.medium() != null || request.address() != null) {
            throw new MatrixException(
                            ErrorCode.UNKNOWN,
                            "Third-party login is not supported: this server has no "
                                    + "third-party identifiers; use m.id.user")
                    .withHttpStatus(400);
        }
        throw new MatrixException(ErrorCode.MISSING_PARAM, "identifier is required");
    }

    /** {@code POST /logout}: deletes the device, which revokes its tokens. */
    public Mono<Map<String, Object>> logout(AuthenticatedDevice device) {
        return database.deleteDevices(
                        device.userId().localpart(), device.deviceId().value())
                .thenReturn(Map.of());
    }

    /** {@code POST /logout/all}: deletes every device of the user. */
    public Mono<Map<String, Object>> logoutAll(AuthenticatedDevice device) {
        return database.deleteAllDevices(device.userId().localpart()).thenReturn(Map.of());
    }

    /** {@code POST /refresh}: rotates the refresh token; an unknown or revoked one is {@code 401 M_UNKNOWN_TOKEN}. */
    public Mono<IssuedSession> refresh(String refreshToken) {
        return Mono.defer(() -> {
            if (refreshToken == null) {
                throw new MatrixException(ErrorCode.MISSING_PARAM, "refresh_token is required");
            }
            long now = clock.millis();
            TokenIssuer.Minted minted = tokens.mint(true, now);
            return database.refresh(Secrets.sha256(refreshToken), minted.hashes(), now)
                    .switchIfEmpty(
                            Mono.error(() -> new MatrixException(ErrorCode.UNKNOWN_TOKEN, "Unknown refresh token")
                                    .withField("soft_logout", JsonBool.FALSE)))
                    .map(owner -> new IssuedSession(
                            UserId.of(owner.localpart(), serverName).toString(),
                            minted.accessToken(),
                            null,
                            null,
                            minted.refreshToken(),
                            minted.expiresInMs()));
        });
    }

    /** {@code GET /account/whoami}. */
    public Whoami whoami(AuthenticatedDevice device) {
        return new Whoami(device.userId().toString(), device.deviceId().value(), device.isGuest());
    }

    /** The owner of an access token (see {@link dev.lattice.api.clientapi.UserApi#queryAccessToken}). */
    public Mono<Optional<AuthenticatedDevice>> queryAccessToken(String accessToken) {
        return database.accessToken(Secrets.sha256(accessToken))
                .map(token -> Optional.of(new AuthenticatedDevice(
                        UserId.of(token.localpart(), serverName),
                        DeviceId.parse(token.deviceId()),
                        false,
                        Optional.ofNullable(token.expiresTs()).map(Instant::ofEpochMilli))))
                .defaultIfEmpty(Optional.empty());
    }
}
