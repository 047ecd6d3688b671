package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A user's presence as stored.
 *
 * @param state {@code online}, {@code unavailable} or {@code offline}
 * @param lastActiveTs when the user was last active, in milliseconds since the epoch
 * @param position its position in the presence stream
 */
public record StoredPresence(
        String userId, String state, Optional<String> statusMsg, long lastActiveTs, long position) {
    public StoredPresence {
        requireNonNull(userId, "userId is null");
        requireNonNull(state, "state is null");
        requireNonNull(statusMsg, "statusMsg is null");
    }
}
