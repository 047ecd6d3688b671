package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A (room, type) of a user's account data that changed, as of its latest change.
 *
 * @param roomId the room for per-room account data, empty for global account data
 * @param type the account data type
 * @param position the account data stream position of that change
 */
public record AccountDataChange(Optional<String> roomId, String type, long position) {

    public AccountDataChange {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(type, "type is null");
    }
}
