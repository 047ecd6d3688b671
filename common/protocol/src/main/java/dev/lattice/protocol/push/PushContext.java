package dev.lattice.protocol.push;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * An event as push rule conditions see it, for one user.
 *
 * @param event the event in the client format (the conditions read {@code type}, {@code content.*},
 *     {@code sender}, {@code state_key}, {@code room_id})
 * @param memberCount the room's joined members
 * @param displayName the user's display name in the room, if any
 * @param senderPowerLevel the sender's power level in the room
 * @param powerLevels the room's {@code m.room.power_levels} content (for {@code notifications.*}); empty when none
 */
public record PushContext(
        JsonObject event,
        long memberCount,
        Optional<String> displayName,
        long senderPowerLevel,
        JsonObject powerLevels) {

    /** The spec's default for a {@code notifications} key the power levels do not set. */
    static final long DEFAULT_NOTIFICATION_LEVEL = 50;

    public PushContext {
        requireNonNull(event, "event is null");
        requireNonNull(displayName, "displayName is null");
        requireNonNull(powerLevels, "powerLevels is null");
    }

    /** The value at a path into the event; empty when any step is missing or not an object. */
    Optional<CanonicalJsonValue> value(List<String> path) {
        CanonicalJsonValue current = event;
        for (String step : path) {
            if (!(current instanceof JsonObject object)) {
                return Optional.empty();
            }
            Optional<CanonicalJsonValue> next = object.get(step);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return Optional.of(current);
    }

    /** The power level {@code notifications.<key>} requires (50 when unset). */
    long notificationPowerLevel(String key) {
        return powerLevels
                .getObject("notifications")
                .flatMap(notifications -> notifications.getInteger(key))
                .orElse(DEFAULT_NOTIFICATION_LEVEL);
    }
}
