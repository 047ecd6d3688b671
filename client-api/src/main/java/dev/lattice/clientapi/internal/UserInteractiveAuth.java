package dev.lattice.clientapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.ClientApiDatabase;
import dev.lattice.clientapi.storage.StoredUiaSession;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * User-interactive authentication: sessions in PostgreSQL (they survive restarts and are shared by replicas), the
 * stages {@code m.login.dummy}, {@code m.login.password} and {@code m.login.registration_token}, and the rule that
 * a session authorises the one operation it was started for.
 *
 * <pre>{@code
 * uia.authenticate("POST /account/deactivate", localpart, body.auth(), UiaFlows.of(UiaFlows.PASSWORD),
 *         () -> database.deactivate(localpart, now))
 * }</pre>
 */
public final class UserInteractiveAuth {
    /** How long a session lasts after it started. */
    static final Duration SESSION_LIFETIME = Duration.ofDays(1);

    private final ClientApiDatabase database;
    private final PasswordHasher passwords;
    private final List<String> registrationTokens;
    private final ServerName serverName;
    private final Clock clock;

    public UserInteractiveAuth(
            ClientApiDatabase database,
            PasswordHasher passwords,
            List<String> registrationTokens,
            ServerName serverName,
            Clock clock) {
        this.database = requireNonNull(database, "database is null");
        this.passwords = requireNonNull(passwords, "passwords is null");
        this.registrationTokens = List.copyOf(registrationTokens);
        this.serverName = requireNonNull(serverName, "serverName is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Runs {@code action} once the client has completed a flow, or answers a challenge.
     *
     * @param operation what the session authorises, e.g. {@code "POST /register"}; a session started for another
     *     operation is refused with {@code 403 M_FORBIDDEN}
     * @param localpart the user who must authenticate, or null for registration
     * @param auth the request's {@code auth} object, or null when it had none
     */
    public <T> Mono<UiaResult<T>> authenticate(
            String operation, String localpart, AuthData auth, UiaFlows flows, Supplier<Mono<T>> action) {
        long now = clock.millis();
        if (auth == null || auth.session() == null) {
            String sessionId = Secrets.newToken();
            Mono<Void> created =
                    database.createUiaSession(sessionId, operation, localpart, now, now - SESSION_LIFETIME.toMillis());
            if (auth == null || auth.type() == null) {
                return created.thenReturn(new UiaResult.Challenge<>(flows.challenge(sessionId, List.of(), null, null)));
            }
            return created.then(
                    attempt(new StoredUiaSession(sessionId, operation, localpart, List.of()), auth, flows, action));
        }
        return database.uiaSession(auth.session(), now - SESSION_LIFETIME.toMillis())
                .switchIfEmpty(Mono.error(() ->
                        new MatrixException(ErrorCode.UNKNOWN, "Unknown or expired session ID").withHttpStatus(400)))
                .flatMap(session -> {
                    if (!session.operation().equals(operation) || !Objects.equals(session.localpart(), localpart)) {
                        return Mono.error(new MatrixException(
                                ErrorCode.FORBIDDEN,
                                "Requested operation has changed during the UI authentication session"));
                    }
                    return attempt(session, auth, flows, action);
                });
    }

    private <T> Mono<UiaResult<T>> attempt(
            StoredUiaSession session, AuthData auth, UiaFlows flows, Supplier<Mono<T>> action) {
        Mono<List<String>> completed;
        if (auth.type() == null) {
            completed = Mono.just(session.completed());
        } else if (!flows.offers(auth.type())) {
            return Mono.just(challenge(
                    session,
                    flows,
                    session.completed(),
                    new MatrixException(ErrorCode.UNRECOGNIZED, "Unrecognised authentication stage " + auth.type())
                            .withHttpStatus(400)));
        } else {
            completed = verify(auth, session.localpart())
                    .then(database.completeUiaStage(session.sessionId(), auth.type()))
                    .then(Mono.fromSupplier(() -> {
                        List<String> stages = new ArrayList<>(session.completed());
                        if (!stages.contains(auth.type())) {
                            stages.add(auth.type());
                        }
                        return stages;
                    }));
        }
        return completed
                .<UiaResult<T>>flatMap(stages -> flows.isComplete(stages)
                        ? action.get()
                                .flatMap(result -> database.deleteUiaSession(session.sessionId())
                                        .thenReturn(new UiaResult.Done<>(result)))
                        : Mono.just(UserInteractiveAuth.<T>challenge(session, flows, stages, null)))
                .onErrorResume(
                        StageFailed.class,
                        failed -> Mono.just(
                                UserInteractiveAuth.<T>challenge(session, flows, session.completed(), failed.error)));
    }

    private static <T> UiaResult<T> challenge(
            StoredUiaSession session, UiaFlows flows, List<String> completed, MatrixException error) {
        return new UiaResult.Challenge<>(flows.challenge(
                session.sessionId(),
                completed,
                error != null ? error.errorCode().code() : null,
                error != null ? error.getMessage() : null));
    }

    /** Checks one stage; a wrong answer is a {@link StageFailed}, reported in the challenge. */
    private Mono<Void> verify(AuthData auth, String localpart) {
        return switch (auth.type()) {
            case UiaFlows.DUMMY -> Mono.empty();
            case UiaFlows.REGISTRATION_TOKEN ->
                validRegistrationToken(auth.token())
                        ? Mono.empty()
                        : Mono.error(new StageFailed(
                                new MatrixException(ErrorCode.UNAUTHORIZED, "Invalid registration token")));
            case UiaFlows.PASSWORD -> verifyPassword(auth, localpart);
            default ->
                Mono.error(new StageFailed(
                        new MatrixException(ErrorCode.UNRECOGNIZED, "Unrecognised authentication stage " + auth.type())
                                .withHttpStatus(400)));
        };
    }

    private Mono<Void> verifyPassword(AuthData auth, String localpart) {
        StageFailed wrong = new StageFailed(new MatrixException(ErrorCode.FORBIDDEN, "Invalid password"));
        String user = auth.identifier() != null ? auth.identifier().user() : auth.user();
        if (localpart == null
                || auth.password() == null
                || (auth.identifier() != null
                        && !UserIdentifier.USER.equals(auth.identifier().type()))) {
            return Mono.error(wrong);
        }
        // The identifier, when given, must name the authenticated user: a password of another account proves nothing.
        if (user != null) {
            String named;
            try {
                named = Localparts.forLogin(user, serverName);
            } catch (MatrixException otherServer) {
                return Mono.error(wrong);
            }
            if (!named.equals(localpart)) {
                return Mono.error(wrong);
            }
        }
        return database.account(localpart)
                .flatMap(account -> passwords.matches(auth.password(), account.passwordHash()))
                .defaultIfEmpty(false)
                .flatMap(ok -> ok ? Mono.<Void>empty() : Mono.error(wrong));
    }

    /** Whether {@code token} is a configured registration token, compared in constant time. */
    public boolean validRegistrationToken(String token) {
        if (token == null) {
            return false;
        }
        boolean valid = false;
        for (String candidate : registrationTokens) {
            valid |= MessageDigest.isEqual(candidate.getBytes(UTF_8), token.getBytes(UTF_8));
        }
        return valid;
    }

    /** A stage the client got wrong: reported in the 401 challenge, not as a plain error. */
    private static final class StageFailed extends RuntimeException {
        final MatrixException error;

        StageFailed(MatrixException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }
}
