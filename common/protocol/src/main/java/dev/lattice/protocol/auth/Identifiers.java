package dev.lattice.protocol.auth;

import java.util.Optional;

/**
 * The few identifier operations the auth rules need. NOTSPEC: a deliberately small check (sigil, colon, non-empty
 * parts, at most 255 bytes) until the {@code id} package's {@code UserId.parse} is available to this package; it
 * accepts historical user IDs, as the rules must.
 */
final class Identifiers {
    private Identifiers() {
    }

    /** The server name of a user ID, room ID (v1–11) or event ID (v1–2): everything after the first colon. */
    static Optional<String> serverName(String id) {
        int colon = id.indexOf(':');
        return colon < 0 || colon == id.length() - 1 ? Optional.empty() : Optional.of(id.substring(colon + 1));
    }

    static boolean isValidUserId(String userId) {
        if (userId.length() < 4 || userId.charAt(0) != '@') {
            return false;
        }
        int colon = userId.indexOf(':');
        if (colon < 2 || colon == userId.length() - 1) {
            return false;
        }
        return userId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255;
    }
}
