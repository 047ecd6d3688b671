package dev.lattice.api.clientapi;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.RoomId;
import java.util.Optional;

/**
 * One piece of a user's account data as the client-api stores it now (what {@code GET .../account_data/{type}}
 * returns), for services that show it elsewhere ({@code /sync}).
 *
 * @param roomId the room for per-room account data, empty for global account data
 * @param type the account data type, e.g. {@code m.direct}
 * @param contentJson the content, a JSON object as text exactly as stored
 * @param streamId the client-api's position of the write that stored this content, as in
 *     {@link AccountDataChanged#streamId()}: a consumer of that record can tell whether the content it reads is
 *     that write's or a newer one
 */
public record AccountDataEntry(Optional<RoomId> roomId, String type, String contentJson, long streamId) {

    public AccountDataEntry {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(type, "type is null");
        requireNonNull(contentJson, "contentJson is null");
    }
}
