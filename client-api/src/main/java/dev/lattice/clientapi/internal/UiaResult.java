package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

/**
 * What a call protected by user-interactive authentication produced: the operation's result, or a challenge the
 * handler answers with {@code 401}.
 */
public sealed interface UiaResult<T> {

    /** The client authenticated and the operation ran (and committed). */
    record Done<T>(T value) implements UiaResult<T> {
        public Done {
            requireNonNull(value, "value is null");
        }
    }

    /** The client must complete more stages; nothing but the session's progress changed. */
    record Challenge<T>(UiaChallenge body) implements UiaResult<T> {
        public Challenge {
            requireNonNull(body, "body is null");
        }
    }
}
