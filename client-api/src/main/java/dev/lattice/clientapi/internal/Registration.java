package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.SharedSecretMac;
import dev.lattice.clientapi.config.ClientApiProperties;
import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.clientapi.storage.NewSession;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Account creation: {@code /register} with user-interactive authentication, username availability, registration
 * token validity, and Synapse's shared-secret admin registration.
 */
public final class Registration {
    /** How long a shared-secret nonce stays usable, as in Synapse. */
    static final Duration NONCE_LIFETIME = Duration.ofSeconds(60);

    private final ClientApiDatabase database;
    private final UserInteractiveAuth uia;
    private final PasswordHasher passwords;
    private final TokenIssuer tokens;
    private final RateLimits rateLimits;
    private final ClientApiProperties settings;
    private final ServerName serverName;
    private final Clock clock;

    public Registration(
            ClientApiDatabase database,
            UserInteractiveAuth uia,
            PasswordHasher passwords,
            TokenIssuer tokens,
            RateLimits rateLimits,
            ClientApiProperties settings,
            ServerName serverName,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.uia = requireNonNull(uia, "uia is null");
        this.passwords = requireNonNull(passwords, "passwords is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.rateLimits = requireNonNull(rateLimits, "rateLimits is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The flows registration offers: a registration token when required, else the dummy stage. */
    UiaFlows flows() {
        return settings.registration().requiresToken()
                ? UiaFlows.of(UiaFlows.REGISTRATION_TOKEN)
                : UiaFlows.of(UiaFlows.DUMMY);
    }

    /**
     * {@code POST /register}: checks what it can before authentication (kind, registration open, and the username
     * and password when given) so the client learns early, then runs the flow and creates the account, its profile
     * and first device in one transaction.
     *
     * <p>A body without username or password (often just {@code {}}) is how clients discover the flows, so it gets
     * the {@code 401} challenge, as in Synapse; the password is only required once the flow is complete.
     *
     * @param kind the {@code kind} query parameter, {@code user} when absent
     */
    public Mono<UiaResult<IssuedSession>> register(RegisterRequest request, String kind, String ip) {
        return Mono.defer(() -> {
            rateLimits.checkRegistration(ip);
            if ("guest".equals(kind)) {
                throw new MatrixException(ErrorCode.GUEST_ACCESS_FORBIDDEN, "Guest access is disabled");
            }
            if (!"user".equals(kind)) {
                throw new MatrixException(ErrorCode.INVALID_PARAM, "kind must be user or guest");
            }
            requireOpen();
            String localpart = request.username() != null ? Localparts.normalize(request.username(), serverName) : null;
            if (request.password() != null) {
                Passwords.check(request.password(), settings.passwordPolicy().minLength());
            }
            Mono<Void> available = localpart != null ? requireAvailable(localpart) : Mono.empty();
            return available.then(uia.authenticate(
                    "POST /register", null, request.auth(), flows(), () -> create(localpart, request)));
        });
    }

    /** Creates the account once the flow is complete; {@code localpart} is null when the client asked for none. */
    private Mono<IssuedSession> create(String localpart, RegisterRequest request) {
        // NOTSPEC: the spec makes the password optional; like Synapse ("Missing params: password"), we need one.
        Passwords.check(request.password(), settings.passwordPolicy().minLength());
        return createAccount(localpart != null ? localpart : Secrets.newLocalpart(), request);
    }

    private Mono<IssuedSession> createAccount(String localpart, RegisterRequest request) {
        boolean login = !Boolean.TRUE.equals(request.inhibitLogin());
        String deviceId = Users.deviceIdOrNew(request.deviceId());
        TokenIssuer.Minted minted = tokens.mint(Boolean.TRUE.equals(request.refreshToken()), clock.millis());
        return createAccount(
                        localpart,
                        request.password(),
                        false,
                        localpart,
                        login ? minted.session(deviceId, request.initialDeviceDisplayName(), null) : null)
                .map(userId ->
                        login ? minted.answer(userId, deviceId, serverName.value()) : IssuedSession.userOnly(userId));
    }

    /** Hashes the password and creates the account in one transaction; emits its user ID or {@code M_USER_IN_USE}. */
    private Mono<String> createAccount(
            String localpart, String password, boolean admin, String displayname, NewSession session) {
        return passwords
                .hash(password)
                .flatMap(hash -> database.createAccount(localpart, hash, admin, displayname, session, clock.millis()))
                .map(created -> {
                    if (!created) {
                        throw new MatrixException(ErrorCode.USER_IN_USE, "User ID already taken");
                    }
                    return UserId.of(localpart, serverName).toString();
                });
    }

    /** {@code GET /register/available}: {@code {"available": true}} or the reason it is not. */
    public Mono<Map<String, Boolean>> available(String username, String ip) {
        return Mono.defer(() -> {
            rateLimits.checkRegistration(ip);
            requireOpen();
            if (username == null) {
                throw new MatrixException(ErrorCode.MISSING_PARAM, "username is required");
            }
            return requireAvailable(Localparts.normalize(username, serverName)).thenReturn(Map.of("available", true));
        });
    }

    /** {@code GET /register/m.login.registration_token/validity}. */
    public Mono<Map<String, Boolean>> tokenValidity(String token, String ip) {
        return Mono.fromSupplier(() -> {
            rateLimits.checkRegistration(ip);
            requireOpen();
            if (token == null) {
                throw new MatrixException(ErrorCode.MISSING_PARAM, "token is required");
            }
            return Map.of("valid", settings.registration().requiresToken() && uia.validRegistrationToken(token));
        });
    }

    /** {@code GET /_synapse/admin/v1/register}: a fresh single-use nonce. */
    public Mono<Map<String, String>> adminNonce() {
        return Mono.defer(() -> {
            requireSharedSecret();
            String nonce = Secrets.newToken();
            long now = clock.millis();
            return database.createAdminNonce(nonce, now, now - NONCE_LIFETIME.toMillis())
                    .thenReturn(Map.of("nonce", nonce));
        });
    }

    /**
     * {@code POST /_synapse/admin/v1/register}, as Synapse does it: the nonce is used up whatever happens next;
     * a wrong MAC is {@code 403}; registration need not be open.
     */
    public Mono<IssuedSession> adminRegister(AdminRegisterRequest request) {
        return Mono.defer(() -> {
            requireSharedSecret();
            if (request.nonce() == null
                    || request.username() == null
                    || request.password() == null
                    || request.mac() == null) {
                throw new MatrixException(ErrorCode.MISSING_PARAM, "nonce, username, password and mac are required");
            }
            return database.takeAdminNonce(request.nonce(), clock.millis() - NONCE_LIFETIME.toMillis())
                    .flatMap(valid -> {
                        if (!valid) {
                            throw new MatrixException(ErrorCode.UNKNOWN, "unrecognised nonce").withHttpStatus(400);
                        }
                        boolean admin = Boolean.TRUE.equals(request.admin());
                        if (!SharedSecretMac.verify(
                                request.mac(),
                                settings.registration().sharedSecret(),
                                request.nonce(),
                                request.username(),
                                request.password(),
                                admin,
                                request.userType())) {
                            throw new MatrixException(ErrorCode.FORBIDDEN, "HMAC incorrect");
                        }
                        String localpart = Localparts.normalize(request.username(), serverName);
                        Passwords.check(request.password(), 0);
                        return adminCreate(localpart, request, admin);
                    });
        });
    }

    private Mono<IssuedSession> adminCreate(String localpart, AdminRegisterRequest request, boolean admin) {
        String deviceId = Secrets.newDeviceId();
        TokenIssuer.Minted minted = tokens.mint(false, clock.millis());
        String displayname = request.displayname() != null ? request.displayname() : localpart;
        return createAccount(localpart, request.password(), admin, displayname, minted.session(deviceId, null, null))
                .map(userId -> minted.answer(userId, deviceId, serverName.value()));
    }

    private Mono<Void> requireAvailable(String localpart) {
        return database.account(localpart)
                .flatMap(
                        taken -> Mono.<Void>error(new MatrixException(ErrorCode.USER_IN_USE, "User ID already taken")));
    }

    private void requireOpen() {
        if (!settings.registration().enabled()) {
            throw new MatrixException(ErrorCode.FORBIDDEN, "Registration has been disabled");
        }
    }

    private void requireSharedSecret() {
        if (!settings.registration().sharedSecretEnabled()) {
            // Synapse answers 400 here; bridges and Complement expect that.
            throw new MatrixException(ErrorCode.UNKNOWN, "Shared secret registration is not enabled")
                    .withHttpStatus(400);
        }
    }
}
