package dev.lattice.clientapi.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A row of {@code clientapi.uia_sessions}; {@code localpart} is null for registration. */
public record StoredUiaSession(String sessionId, String operation, String localpart, List<String> completed) {
    public StoredUiaSession {
        requireNonNull(sessionId, "sessionId is null");
        requireNonNull(operation, "operation is null");
        completed = List.copyOf(completed);
    }
}
