package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A user as the user directory shows them: the profile in one of their current {@code m.room.member} events. */
public record DirectoryEntry(String userId, Optional<String> displayName, Optional<String> avatarUrl) {
    public DirectoryEntry {
        requireNonNull(userId, "userId is null");
        requireNonNull(displayName, "displayName is null");
        requireNonNull(avatarUrl, "avatarUrl is null");
    }
}
