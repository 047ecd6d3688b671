package dev.lattice.roomserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.auth.StateKey;

/** One row of {@code roomserver.current_state}; {@code membership} only for {@code m.room.member}. */
public record CurrentStateRow(String roomId, StateKey key, String eventId, String membership) {
    public CurrentStateRow {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(key, "key is null");
        requireNonNull(eventId, "eventId is null");
    }
}
