package dev.lattice.protocol.push;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
 * @param lookups the event's values by path, read once and shared by the contexts of one event
 *     ({@link #withDisplayName}): evaluating an event for a thousand members reads each field once
 */
public record PushContext(
        JsonObject event,
        long memberCount,
        Optional<String> displayName,
        long senderPowerLevel,
        JsonObject powerLevels,
        Lookups lookups) {

    /** The spec's default for a {@code notifications} key the power levels do not set. */
    static final long DEFAULT_NOTIFICATION_LEVEL = 50;

    /** The event's values by path, computed on first use. */
    public static final class Lookups {
        /** By {@link EventPath#id}: the value, or {@link Optional#empty()}; null until read. */
        private Optional<CanonicalJsonValue>[] values = newValues();
        /** By {@link EventPath#id}: the lower-cased string; null until read. */
        private Optional<String>[] lowered = newLowered();

        @SuppressWarnings("unchecked")
        private static Optional<CanonicalJsonValue>[] newValues() {
            return new Optional[Math.max(16, EventPath.count())];
        }

        @SuppressWarnings("unchecked")
        private static Optional<String>[] newLowered() {
            return new Optional[Math.max(16, EventPath.count())];
        }

        private synchronized Optional<CanonicalJsonValue> value(EventPath path, PushContext context) {
            if (path.id() >= values.length) {
                values = Arrays.copyOf(values, Math.max(path.id() + 1, values.length * 2));
            }
            Optional<CanonicalJsonValue> value = values[path.id()];
            if (value == null) {
                value = context.walk(path.steps());
                values[path.id()] = value;
            }
            return value;
        }

        private synchronized Optional<String> lowered(EventPath path, PushContext context) {
            if (path.id() >= lowered.length) {
                lowered = Arrays.copyOf(lowered, Math.max(path.id() + 1, lowered.length * 2));
            }
            Optional<String> value = lowered[path.id()];
            if (value == null) {
                value = value(path, context)
                        .filter(JsonString.class::isInstance)
                        .map(v -> ((JsonString) v).value().toLowerCase(Locale.ROOT));
                lowered[path.id()] = value;
            }
            return value;
        }
    }

    public PushContext {
        requireNonNull(event, "event is null");
        requireNonNull(displayName, "displayName is null");
        requireNonNull(powerLevels, "powerLevels is null");
        requireNonNull(lookups, "lookups is null");
    }

    /** A context with its own lookups. */
    public PushContext(
            JsonObject event,
            long memberCount,
            Optional<String> displayName,
            long senderPowerLevel,
            JsonObject powerLevels) {
        this(event, memberCount, displayName, senderPowerLevel, powerLevels, new Lookups());
    }

    /** The same event for another member: only the display name differs, the lookups are shared. */
    public PushContext withDisplayName(Optional<String> name) {
        return new PushContext(event, memberCount, name, senderPowerLevel, powerLevels, lookups);
    }

    /** The value at a path into the event; empty when any step is missing or not an object. */
    Optional<CanonicalJsonValue> value(EventPath path) {
        return lookups.value(path, this);
    }

    /** The string at a path, lower-cased ({@link Locale#ROOT}); empty when missing or not a string. */
    Optional<String> lowered(EventPath path) {
        return lookups.lowered(path, this);
    }

    private Optional<CanonicalJsonValue> walk(List<String> path) {
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
