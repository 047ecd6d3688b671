package dev.lattice.protocol.spec;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.Map;
import java.util.Set;

/**
 * Validation of <a href="https://spec.matrix.org/v1.19/client-server-api/#filtering">filters</a> against the spec's
 * schemas ({@code Filter}, {@code RoomFilter}, {@code EventFilter}, {@code RoomEventFilter}): every known field must
 * have its type, {@code limit} must not be negative, {@code event_format} is {@code client} or {@code federation},
 * {@code senders} are user IDs ({@code @...}) and {@code rooms} room IDs ({@code !...}). The one place filters are
 * checked: client-api on {@code POST /user/{userId}/filter}, syncapi on inline filters of {@code /sync} and
 * {@code /messages}. A violation is {@code 400 M_BAD_JSON} ("valid JSON, but invalid values for keys").
 *
 * <p>Unknown fields are ignored, so clients may send unstable (MSC) fields; Synapse's JSON schema refuses unknown
 * fields inside room filters, which would break newer clients. // NOTSPEC: the spec says a {@code limit} "must be an
 * integer greater than 0"; 0 is accepted (an empty timeline), as Synapse accepts it.
 */
public final class FilterValidation {
    private enum Kind {
        BOOLEAN,
        STRINGS,
        USER_IDS,
        ROOM_IDS,
        LIMIT,
        EVENT_FILTER,
        ROOM_EVENT_FILTER,
        ROOM_FILTER,
        EVENT_FORMAT
    }

    private static final Map<String, Kind> EVENT_FILTER = Map.of(
            "limit", Kind.LIMIT,
            "types", Kind.STRINGS,
            "not_types", Kind.STRINGS,
            "senders", Kind.USER_IDS,
            "not_senders", Kind.USER_IDS);

    private static final Map<String, Kind> ROOM_EVENT_FILTER = Map.ofEntries(
            Map.entry("limit", Kind.LIMIT),
            Map.entry("types", Kind.STRINGS),
            Map.entry("not_types", Kind.STRINGS),
            Map.entry("senders", Kind.USER_IDS),
            Map.entry("not_senders", Kind.USER_IDS),
            Map.entry("rooms", Kind.ROOM_IDS),
            Map.entry("not_rooms", Kind.ROOM_IDS),
            Map.entry("contains_url", Kind.BOOLEAN),
            Map.entry("lazy_load_members", Kind.BOOLEAN),
            Map.entry("include_redundant_members", Kind.BOOLEAN),
            Map.entry("unread_thread_notifications", Kind.BOOLEAN));

    private static final Map<String, Kind> ROOM_FILTER = Map.of(
            "rooms", Kind.ROOM_IDS,
            "not_rooms", Kind.ROOM_IDS,
            "include_leave", Kind.BOOLEAN,
            "ephemeral", Kind.ROOM_EVENT_FILTER,
            "state", Kind.ROOM_EVENT_FILTER,
            "timeline", Kind.ROOM_EVENT_FILTER,
            "account_data", Kind.ROOM_EVENT_FILTER);

    private static final Map<String, Kind> FILTER = Map.of(
            "event_fields", Kind.STRINGS,
            "event_format", Kind.EVENT_FORMAT,
            "presence", Kind.EVENT_FILTER,
            "account_data", Kind.EVENT_FILTER,
            "room", Kind.ROOM_FILTER);

    private static final Set<String> EVENT_FORMATS = Set.of("client", "federation");

    private FilterValidation() {}

    /**
     * Checks a {@code Filter} ({@code POST /user/{userId}/filter}, {@code /sync?filter=}).
     *
     * @throws MatrixException {@code 400 M_BAD_JSON} naming the first field that breaks the schema
     */
    public static void validateFilter(JsonObject filter) {
        check(filter, FILTER, "");
    }

    /**
     * Checks a {@code RoomEventFilter} ({@code /messages?filter=}).
     *
     * @throws MatrixException {@code 400 M_BAD_JSON} naming the first field that breaks the schema
     */
    public static void validateRoomEventFilter(JsonObject filter) {
        check(filter, ROOM_EVENT_FILTER, "");
    }

    private static void check(JsonObject object, Map<String, Kind> schema, String path) {
        for (Map.Entry<String, Kind> field : schema.entrySet()) {
            String key = field.getKey();
            if (object.has(key)) {
                checkValue(object.get(key).orElseThrow(), field.getValue(), path + key);
            }
        }
    }

    private static void checkValue(CanonicalJsonValue value, Kind kind, String path) {
        switch (kind) {
            case BOOLEAN -> {
                if (!(value instanceof JsonBool)) {
                    throw invalid(path, "must be a boolean");
                }
            }
            case STRINGS -> strings(value, path, "");
            case USER_IDS -> strings(value, path, "@");
            case ROOM_IDS -> strings(value, path, "!");
            case LIMIT -> {
                if (!(value instanceof JsonInteger limit)) {
                    throw invalid(path, "must be an integer");
                }
                if (limit.value() < 0) {
                    throw invalid(path, "must not be negative");
                }
            }
            case EVENT_FILTER -> check(object(value, path), EVENT_FILTER, path + ".");
            case ROOM_EVENT_FILTER -> check(object(value, path), ROOM_EVENT_FILTER, path + ".");
            case ROOM_FILTER -> check(object(value, path), ROOM_FILTER, path + ".");
            case EVENT_FORMAT -> {
                if (!(value instanceof JsonString format) || !EVENT_FORMATS.contains(format.value())) {
                    throw invalid(path, "must be \"client\" or \"federation\"");
                }
            }
        }
    }

    private static JsonObject object(CanonicalJsonValue value, String path) {
        if (!(value instanceof JsonObject object)) {
            throw invalid(path, "must be an object");
        }
        return object;
    }

    private static void strings(CanonicalJsonValue value, String path, String sigil) {
        if (!(value instanceof JsonArray array)) {
            throw invalid(path, "must be an array of strings");
        }
        for (CanonicalJsonValue item : array.values()) {
            if (!(item instanceof JsonString string)) {
                throw invalid(path, "must be an array of strings");
            }
            if (!string.value().startsWith(sigil)) {
                throw invalid(path, "must hold IDs starting with " + sigil);
            }
        }
    }

    private static MatrixException invalid(String path, String problem) {
        return new MatrixException(ErrorCode.BAD_JSON, "Invalid filter: " + path + " " + problem);
    }
}
