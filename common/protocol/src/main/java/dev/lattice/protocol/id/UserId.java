package dev.lattice.protocol.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * A user ID, {@code @localpart:server_name} (<a href="https://spec.matrix.org/v1.19/appendices/#user-identifiers">User
 * Identifiers</a>). {@link #parse} accepts historical IDs, as servers must for events over federation; use
 * {@link #validateStrict} (or {@link #parseStrict}) for IDs this server creates.
 */
public record UserId(String value) {

    public UserId {
        IdValidation.userId(value);
    }

    /** Parses a user ID, accepting historical localparts (any code points but {@code :} and NUL, even empty). */
    @JsonCreator
    public static UserId parse(String value) {
        return new UserId(value);
    }

    /**
     * The user ID {@code value}, or empty if it is not one (historical IDs accepted). For values read from event
     * content, where a malformed ID is a verdict of the rules rather than an error.
     */
    public static Optional<UserId> tryParse(String value) {
        try {
            return Optional.of(new UserId(value));
        } catch (InvalidIdException e) {
            return Optional.empty();
        }
    }

    /** Parses a user ID whose localpart must be non-empty {@code a-z0-9._=-/+}. */
    public static UserId parseStrict(String value) {
        validateStrict(value);
        return new UserId(value);
    }

    /** Checks the grammar for new user IDs, throwing {@link InvalidIdException}. */
    public static void validateStrict(String value) {
        IdValidation.userIdStrict(value);
    }

    /** Builds {@code @localpart:server}. */
    public static UserId of(String localpart, ServerName server) {
        return new UserId("@" + localpart + ":" + server.value());
    }

    /** Whether this ID meets the grammar for new user IDs. */
    public boolean isStrict() {
        int colon = value.indexOf(':');
        if (colon == 1) {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            if (!IdValidation.isStrictUserIdChar(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the localpart is non-empty and within U+0021–U+007E. Servers should not forward non-compliant user
     * IDs to clients outside the context of an event.
     */
    public boolean isCompliant() {
        int colon = value.indexOf(':');
        if (colon == 1) {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    public String localpart() {
        return value.substring(1, value.indexOf(':'));
    }

    public ServerName serverName() {
        return new ServerName(value.substring(value.indexOf(':') + 1));
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
