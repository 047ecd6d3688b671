package dev.lattice.api.ephemeral;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.id.UserId;
import java.util.Set;

/**
 * A user's presence changed in a way others see (state or status message); published on {@code ephemeral.presence}
 * ({@link dev.lattice.api.Topics#EPHEMERAL_PRESENCE}), keyed by user ID, as JSON, straight to the bus (presence is
 * worth little a minute later). The syncapi publishes its users' changes after storing them; the federation-api
 * publishes other servers' users' {@code m.presence} EDUs. Every syncapi process tails the topic (to store other
 * servers' users' presence and wake its own long-polls); the federation-api sends our users' changes on as EDUs.
 *
 * @param version the payload version, {@link #VERSION}; consumers skip newer versions
 * @param userId whose presence; also the record key
 * @param presence {@code online}, {@code unavailable} or {@code offline}
 * @param statusMsg the status message; null for none
 * @param lastActiveAgo milliseconds since the user was last active, when the update was made
 * @param currentlyActive whether the user counts as active right now
 */
public record PresenceUpdate(
        int version,
        @JsonProperty("user_id") UserId userId,
        String presence,
        @JsonProperty("status_msg") String statusMsg,
        @JsonProperty("last_active_ago") long lastActiveAgo,
        @JsonProperty("currently_active") boolean currentlyActive) {

    /** The current payload version. */
    public static final int VERSION = 1;

    /** The presence states of the spec. */
    public static final Set<String> STATES = Set.of("online", "unavailable", "offline");

    public PresenceUpdate {
        requireNonNull(userId, "userId is null");
        requireNonNull(presence, "presence is null");
        if (!STATES.contains(presence)) {
            throw new IllegalArgumentException("unknown presence " + presence);
        }
        if (lastActiveAgo < 0) {
            throw new IllegalArgumentException("lastActiveAgo is negative");
        }
    }

    public static PresenceUpdate of(
            UserId userId, String presence, String statusMsg, long lastActiveAgo, boolean currentlyActive) {
        return new PresenceUpdate(VERSION, userId, presence, statusMsg, lastActiveAgo, currentlyActive);
    }
}
