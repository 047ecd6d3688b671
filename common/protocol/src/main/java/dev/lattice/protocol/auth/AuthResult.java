package dev.lattice.protocol.auth;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The verdict of the authorization rules: allowed, or rejected with a typed reason and a message for logs.
 *
 * @param failure the reason, empty when the event is allowed
 * @param message a human-readable detail, empty when the event is allowed
 */
public record AuthResult(Optional<AuthFailure> failure, String message) {

    public static final AuthResult ALLOWED = new AuthResult(Optional.empty(), "");

    public AuthResult {
        requireNonNull(failure, "failure is null");
        requireNonNull(message, "message is null");
    }

    public static AuthResult allow() {
        return ALLOWED;
    }

    public static AuthResult reject(AuthFailure failure, String message) {
        return new AuthResult(Optional.of(failure), message);
    }

    public boolean allowed() {
        return failure.isEmpty();
    }

    @Override
    public String toString() {
        return failure.map(f -> "rejected " + f + ": " + message).orElse("allowed");
    }
}
