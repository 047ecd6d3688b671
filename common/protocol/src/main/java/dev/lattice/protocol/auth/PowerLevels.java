package dev.lattice.protocol.auth;

import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.AuthorizationRules;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The content of an {@code m.room.power_levels} event, parsed for the auth rules.
 *
 * <p>Before room version 10 a level may be a string holding an integer ("stringy power levels", room version 1
 * fragment): optional surrounding whitespace, one optional sign, base-10 digits with any leading zeroes. From
 * version 10 ({@link AuthorizationRules#integerPowerLevels()}) only JSON integers are accepted. Every level must lie
 * within the canonical JSON range ±(2^53−1).
 *
 * <p>Floats (which room versions 1–5 tolerate and truncate) cannot reach this class: the canonical JSON value model
 * has no floats.
 */
public final class PowerLevels {

    /** The level of a room creator in room version 12: higher than any level an event can name. */
    public static final long INFINITE = Long.MAX_VALUE;

    static final String[] NAMED_LEVELS = {
        "users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"
    };

    private final Map<String, Long> named;
    private final Map<String, Long> events;
    private final Map<String, Long> notifications;
    private final Map<String, Long> users;

    private PowerLevels(
            Map<String, Long> named,
            Map<String, Long> events,
            Map<String, Long> notifications,
            Map<String, Long> users) {
        this.named = named;
        this.events = events;
        this.notifications = notifications;
        this.users = users;
    }

    /** Levels of a room without an {@code m.room.power_levels} event: all defaults. */
    public static final PowerLevels DEFAULTS = new PowerLevels(Map.of(), Map.of(), Map.of(), Map.of());

    /**
     * Checks the shape of new power levels content (rule "If type is m.room.power_levels", first sub-rules).
     *
     * <p>NOTSPEC: before version 10 the spec validates only {@code users}; we also reject other levels that are not
     * integers or integer strings, because such a level has no meaning to compare against. ruma does the same;
     * Synapse validates only {@code users} before version 10 (and fails later, reading the level).
     *
     * @return a description of the first problem, or empty if the content is well formed
     */
    public static Optional<String> validate(AuthorizationRules rules, JsonObject content) {
        for (String name : NAMED_LEVELS) {
            Optional<CanonicalJsonValue> value = content.get(name);
            if (value.isPresent() && parseLevel(rules, value.get()).isEmpty()) {
                return Optional.of(name + " is not an integer");
            }
        }
        for (String name : new String[] {"events", "notifications", "users"}) {
            Optional<CanonicalJsonValue> value = content.get(name);
            if (value.isEmpty()) {
                continue;
            }
            if (!(value.get() instanceof JsonObject object)) {
                return Optional.of(name + " is not an object");
            }
            for (Map.Entry<String, CanonicalJsonValue> entry : object.members().entrySet()) {
                if (parseLevel(rules, entry.getValue()).isEmpty()) {
                    return Optional.of(name + "." + entry.getKey() + " is not an integer");
                }
                if (name.equals("users") && UserId.tryParse(entry.getKey()).isEmpty()) {
                    return Optional.of("users key " + entry.getKey() + " is not a valid user ID");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Reads power levels from an accepted event's content, leniently: a value that does not parse is treated as
     * absent (the event passed {@link #validate} when it was authorised, so this only matters for events accepted
     * under other rules).
     */
    public static PowerLevels read(AuthorizationRules rules, JsonObject content) {
        Map<String, Long> named = new HashMap<>();
        for (String name : NAMED_LEVELS) {
            content.get(name).flatMap(v -> boxed(parseLevel(rules, v))).ifPresent(v -> named.put(name, v));
        }
        return new PowerLevels(
                named,
                readMap(rules, content, "events"),
                readMap(rules, content, "notifications"),
                readMap(rules, content, "users"));
    }

    private static Map<String, Long> readMap(AuthorizationRules rules, JsonObject content, String name) {
        Optional<JsonObject> object = content.getObject(name);
        if (object.isEmpty() || object.get().members().isEmpty()) {
            return Map.of();
        }
        Map<String, Long> result = new HashMap<>();
        for (Map.Entry<String, CanonicalJsonValue> entry :
                object.get().members().entrySet()) {
            OptionalLong level = parseLevel(rules, entry.getValue());
            if (level.isPresent()) {
                result.put(entry.getKey(), level.getAsLong());
            }
        }
        return result;
    }

    private static Optional<Long> boxed(OptionalLong value) {
        return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
    }

    /** One level: an integer, or (before version 10) a string holding an integer, within ±(2^53−1). */
    public static OptionalLong parseLevel(AuthorizationRules rules, CanonicalJsonValue value) {
        if (value instanceof JsonInteger integer) {
            return OptionalLong.of(integer.value());
        }
        if (!rules.integerPowerLevels() && value instanceof JsonString string) {
            return parseStringLevel(string.value());
        }
        return OptionalLong.empty();
    }

    private static OptionalLong parseStringLevel(String text) {
        String s = text.strip();
        int start = 0;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            start = 1;
        }
        if (start == s.length()) {
            return OptionalLong.empty();
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
        }
        BigInteger parsed = new BigInteger(s.charAt(0) == '+' ? s.substring(1) : s);
        if (parsed.abs().compareTo(BigInteger.valueOf(CanonicalJsonValue.MAX_SAFE_INTEGER)) > 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(parsed.longValue());
    }

    /** A named level ({@code ban}, {@code kick}, ...) if the event sets it. */
    public Optional<Long> named(String name) {
        return Optional.ofNullable(named.get(name));
    }

    public long usersDefault() {
        return named.getOrDefault("users_default", 0L);
    }

    public long eventsDefault() {
        return named.getOrDefault("events_default", 0L);
    }

    public long stateDefault() {
        return named.getOrDefault("state_default", 50L);
    }

    public long ban() {
        return named.getOrDefault("ban", 50L);
    }

    public long kick() {
        return named.getOrDefault("kick", 50L);
    }

    public long redact() {
        return named.getOrDefault("redact", 50L);
    }

    public long invite() {
        return named.getOrDefault("invite", 0L);
    }

    /** The level required to send an event of {@code type}: {@code events[type]}, else the state or events default. */
    public long eventLevel(String type, boolean isState) {
        Long level = events.get(type);
        if (level != null) {
            return level;
        }
        return isState ? stateDefault() : eventsDefault();
    }

    /** The level listed for {@code userId} in {@code users}, if any. */
    public Optional<Long> listedUserLevel(String userId) {
        return Optional.ofNullable(users.get(userId));
    }

    /** The level of {@code userId} ignoring room creators: {@code users[userId]}, else {@code users_default}. */
    public long userLevel(String userId) {
        Long level = users.get(userId);
        return level != null ? level : usersDefault();
    }

    public Map<String, Long> events() {
        return events;
    }

    public Map<String, Long> notifications() {
        return notifications;
    }

    public Map<String, Long> users() {
        return users;
    }
}
