package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.clientapi.AuthenticatedDevice;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonNull;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One {@code POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync} (MSC4186), decoded and checked:
 * whatever breaks the request's shape is {@code 400 M_BAD_JSON}, a value out of range {@code 400 M_INVALID_PARAM},
 * before anything is read or written. Fields the server does not know are ignored, as everywhere in the API.
 *
 * @param connId the connection's {@code conn_id}; the empty string when absent (one unnamed connection per device)
 * @param pos the {@code pos} of the previous response, empty to begin the connection anew
 * @param txnId echoed in the response, for clients that still send it
 * @param lists the sliding window lists, by name
 * @param subscriptions the rooms subscribed to explicitly, by room ID
 */
public record SlidingSyncRequest(
        AuthenticatedDevice device,
        String connId,
        Optional<Long> pos,
        Optional<String> txnId,
        Duration timeout,
        Map<String, ListSpec> lists,
        Map<String, RoomConfig> subscriptions,
        Extensions extensions) {

    /** Limits on what one request may ask for; a client that needs more is broken or hostile. */
    static final int MAX_LISTS = 100;

    static final int MAX_RANGES = 100;
    static final int MAX_SUBSCRIPTIONS = 1000;
    static final int MAX_REQUIRED_STATE = 1000;
    static final int MAX_CONN_ID = 255;
    static final int MAX_NAME = 255;
    /** The to-device extension's batch, at most (Synapse's cap too). */
    static final int MAX_TO_DEVICE = 100;

    public SlidingSyncRequest {
        requireNonNull(device, "device is null");
        requireNonNull(connId, "connId is null");
        requireNonNull(pos, "pos is null");
        requireNonNull(txnId, "txnId is null");
        requireNonNull(timeout, "timeout is null");
        lists = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lists));
        subscriptions = Map.copyOf(subscriptions);
        requireNonNull(extensions, "extensions is null");
    }

    /** What a room's section carries: the newest {@code timelineLimit} events and the state {@code requiredState}. */
    public record RoomConfig(int timelineLimit, RequiredState requiredState) {
        public RoomConfig {
            requireNonNull(requiredState, "requiredState is null");
        }

        /** What both ask for, when a room is in several lists or subscriptions: the longer timeline, all the state. */
        public RoomConfig merge(RoomConfig other) {
            return new RoomConfig(
                    Math.max(timelineLimit, other.timelineLimit), requiredState.union(other.requiredState));
        }
    }

    /** An inclusive range of positions in a list, {@code [start, end]}. */
    public record Range(long start, long end) {}

    /** A sliding window list: its ranges, what its rooms carry, and which rooms it holds. */
    public record ListSpec(List<Range> ranges, RoomConfig room, ListFilters filters) {
        public ListSpec {
            ranges = List.copyOf(ranges);
            requireNonNull(room, "room is null");
            requireNonNull(filters, "filters is null");
        }
    }

    /**
     * A list's {@code filters}; an empty one does not filter.
     *
     * @param roomTypes rooms of one of these types ({@code Optional.empty()} for rooms with no type), when given
     * @param notRoomTypes rooms of none of these types
     * @param spaces rooms that one of these spaces lists as a child ({@code m.space.child} with a {@code via}), when
     *     given
     * @param tags rooms the user tagged with one of these ({@code m.tag}), when given
     * @param notTags rooms the user tagged with none of these
     */
    public record ListFilters(
            Optional<Boolean> isDm,
            Optional<Boolean> isEncrypted,
            Optional<Boolean> isInvite,
            Optional<List<Optional<String>>> roomTypes,
            List<Optional<String>> notRoomTypes,
            Optional<List<String>> spaces,
            Optional<List<String>> tags,
            List<String> notTags) {
        public static final ListFilters NONE = new ListFilters(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                List.of());

        /** Whether the filter needs to know rooms' types (a state lookup the others do not need). */
        public boolean needsRoomTypes() {
            return roomTypes.isPresent() || !notRoomTypes.isEmpty();
        }

        /** Whether the filter needs the user's room tags. */
        public boolean needsTags() {
            return tags.isPresent() || !notTags.isEmpty();
        }
    }

    /**
     * Which rooms an extension covers ({@code lists} and {@code rooms} of its request): rooms of the named lists'
     * windows, and the named room subscriptions. {@code *} means all; an absent field means {@code ["*"]}.
     */
    public record Scope(Optional<List<String>> lists, Optional<List<String>> rooms) {
        public static final Scope ALL = new Scope(Optional.empty(), Optional.empty());
        /** All lists, or all subscribed rooms. */
        static final String EVERY = "*";

        /**
         * @param windows each list's rooms in its ranges, by list name
         * @param subscribed the rooms subscribed to
         */
        public Set<String> rooms(Map<String, List<String>> windows, Set<String> subscribed) {
            Set<String> out = new TreeSet<>();
            List<String> wantedLists = lists.orElse(List.of(EVERY));
            if (wantedLists.contains(EVERY)) {
                windows.values().forEach(out::addAll);
            } else {
                wantedLists.forEach(name -> out.addAll(windows.getOrDefault(name, List.of())));
            }
            List<String> wantedRooms = rooms.orElse(List.of(EVERY));
            if (wantedRooms.contains(EVERY)) {
                out.addAll(subscribed);
            } else {
                wantedRooms.stream().filter(subscribed::contains).forEach(out::add);
            }
            return out;
        }
    }

    /** The to-device extension: messages after {@code since} (its own position), at most {@code limit}. */
    public record ToDevice(Optional<Long> since, int limit) {}

    /** The extensions asked for; an extension that is absent or not {@code enabled} is not served. */
    public record Extensions(
            Optional<ToDevice> toDevice,
            boolean e2ee,
            Optional<Scope> accountData,
            Optional<Scope> receipts,
            Optional<Scope> typing) {
        public static final Extensions NONE =
                new Extensions(Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * Decodes a request.
     *
     * @param pos the {@code pos} query parameter
     * @param timeout the {@code timeout} query parameter, in milliseconds
     * @throws MatrixException {@code 400 M_BAD_JSON}, {@code 400 M_INVALID_PARAM}, or {@code 400 M_UNKNOWN_POS} for a
     *     {@code pos} this server cannot have written
     */
    public static SlidingSyncRequest parse(
            AuthenticatedDevice device, JsonObject body, Optional<String> pos, Optional<String> timeout) {
        String connId = optionalString(body, "conn_id").orElse("");
        if (connId.length() > MAX_CONN_ID) {
            throw invalid("conn_id is longer than " + MAX_CONN_ID + " characters");
        }
        if (connId.chars().anyMatch(Character::isISOControl)) {
            throw invalid("conn_id must not hold control characters");
        }
        Optional<Long> position = pos.filter(p -> !p.isEmpty()).map(SlidingSyncRequest::position);
        long timeoutMs = timeout.filter(t -> !t.isEmpty())
                .map(t -> {
                    try {
                        return Math.max(0, Long.parseLong(t));
                    } catch (NumberFormatException e) {
                        throw invalid("timeout must be an integer");
                    }
                })
                .orElse(0L);
        Map<String, ListSpec> lists = new LinkedHashMap<>();
        JsonObject listsJson = optionalObject(body, "lists").orElse(JsonObject.EMPTY);
        if (listsJson.members().size() > MAX_LISTS) {
            throw invalid("at most " + MAX_LISTS + " lists");
        }
        listsJson.members().forEach((name, value) -> {
            if (name.length() > MAX_NAME) {
                throw invalid("a list name is longer than " + MAX_NAME + " characters");
            }
            lists.put(name, list(name, object(value, "lists." + name)));
        });
        Map<String, RoomConfig> subscriptions = new TreeMap<>();
        JsonObject subscriptionsJson =
                optionalObject(body, "room_subscriptions").orElse(JsonObject.EMPTY);
        if (subscriptionsJson.members().size() > MAX_SUBSCRIPTIONS) {
            throw invalid("at most " + MAX_SUBSCRIPTIONS + " room subscriptions");
        }
        subscriptionsJson.members().forEach((roomId, value) -> {
            try {
                RoomId.parse(roomId);
            } catch (InvalidIdException e) {
                throw invalid("room_subscriptions: " + roomId + " is not a room ID");
            }
            subscriptions.put(roomId, roomConfig(object(value, "room_subscriptions." + roomId), "room_subscriptions"));
        });
        Extensions extensions = extensions(optionalObject(body, "extensions").orElse(JsonObject.EMPTY));
        return new SlidingSyncRequest(
                device,
                connId,
                position,
                optionalString(body, "txn_id"),
                Duration.ofMillis(timeoutMs),
                lists,
                subscriptions,
                extensions);
    }

    private static long position(String pos) {
        try {
            long value = Long.parseLong(pos);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw unknownPos();
    }

    /** {@code 400 M_UNKNOWN_POS}: the client must begin its connection anew (MSC4186). */
    static MatrixException unknownPos() {
        return new MatrixException(ErrorCode.UNKNOWN_POS, "Unknown or expired pos: begin the connection anew");
    }

    private static ListSpec list(String name, JsonObject json) {
        String where = "lists." + name;
        List<Range> ranges = new ArrayList<>();
        JsonArray rangesJson = optionalArray(json, "ranges").orElse(JsonArray.EMPTY);
        if (rangesJson.size() > MAX_RANGES) {
            throw invalid(where + ".ranges: at most " + MAX_RANGES + " ranges");
        }
        for (CanonicalJsonValue value : rangesJson.values()) {
            if (!(value instanceof JsonArray pair)
                    || pair.size() != 2
                    || !(pair.get(0) instanceof JsonInteger start)
                    || !(pair.get(1) instanceof JsonInteger end)) {
                throw bad(where + ".ranges must be an array of [start, end] integer pairs");
            }
            if (start.value() < 0 || end.value() < start.value()) {
                throw invalid(where + ".ranges: each range needs 0 <= start <= end");
            }
            ranges.add(new Range(start.value(), end.value()));
        }
        return new ListSpec(ranges, roomConfig(json, where), filters(json, where));
    }

    private static RoomConfig roomConfig(JsonObject json, String where) {
        long limit = optionalInteger(json, "timeline_limit").orElse(0L);
        if (limit < 0) {
            throw invalid(where + ".timeline_limit must not be negative");
        }
        JsonArray stateJson = optionalArray(json, "required_state").orElse(JsonArray.EMPTY);
        if (stateJson.size() > MAX_REQUIRED_STATE) {
            throw invalid(where + ".required_state: at most " + MAX_REQUIRED_STATE + " entries");
        }
        List<List<String>> pairs = new ArrayList<>();
        for (CanonicalJsonValue value : stateJson.values()) {
            if (!(value instanceof JsonArray pair)
                    || pair.size() != 2
                    || !(pair.get(0) instanceof JsonString type)
                    || !(pair.get(1) instanceof JsonString stateKey)) {
                throw bad(where + ".required_state must be an array of [event type, state key] string pairs");
            }
            pairs.add(List.of(type.value(), stateKey.value()));
        }
        // A huge limit is served as the largest one /sync serves, rather than refused.
        return new RoomConfig((int) Math.min(limit, SyncFilter.MAX_TIMELINE_LIMIT), RequiredState.of(pairs));
    }

    private static ListFilters filters(JsonObject list, String where) {
        Optional<JsonObject> json = optionalObject(list, "filters");
        if (json.isEmpty()) {
            return ListFilters.NONE;
        }
        JsonObject filters = json.get();
        return new ListFilters(
                optionalBool(filters, "is_dm"),
                optionalBool(filters, "is_encrypted"),
                optionalBool(filters, "is_invite"),
                filters.has("room_types") ? Optional.of(roomTypes(filters, "room_types", where)) : Optional.empty(),
                filters.has("not_room_types") ? roomTypes(filters, "not_room_types", where) : List.of(),
                strings(filters, "spaces", where + ".filters"),
                strings(filters, "tags", where + ".filters"),
                strings(filters, "not_tags", where + ".filters").orElse(List.of()));
    }

    private static List<Optional<String>> roomTypes(JsonObject filters, String key, String where) {
        List<Optional<String>> out = new ArrayList<>();
        for (CanonicalJsonValue value :
                optionalArray(filters, key).orElse(JsonArray.EMPTY).values()) {
            if (value instanceof JsonString type) {
                out.add(Optional.of(type.value()));
            } else if (value instanceof JsonNull) {
                out.add(Optional.empty());
            } else {
                throw bad(where + ".filters." + key + " must be an array of strings or null");
            }
        }
        return out;
    }

    private static Extensions extensions(JsonObject json) {
        Optional<ToDevice> toDevice = enabled(json, "to_device").map(ext -> {
            Optional<Long> since = optionalString(ext, "since").map(s -> {
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException e) {
                    throw invalid("extensions.to_device.since is not a token this server gave");
                }
            });
            long limit = optionalInteger(ext, "limit").orElse((long) MAX_TO_DEVICE);
            if (limit < 0) {
                throw invalid("extensions.to_device.limit must not be negative");
            }
            return new ToDevice(since, (int) Math.min(limit, MAX_TO_DEVICE));
        });
        return new Extensions(
                toDevice,
                enabled(json, "e2ee").isPresent(),
                enabled(json, "account_data").map(ext -> scope(ext, "account_data")),
                enabled(json, "receipts").map(ext -> scope(ext, "receipts")),
                enabled(json, "typing").map(ext -> scope(ext, "typing")));
    }

    /** The extension's request, when it is there and {@code enabled}. */
    private static Optional<JsonObject> enabled(JsonObject extensions, String name) {
        return optionalObject(extensions, name)
                .filter(ext -> optionalBool(ext, "enabled").orElse(false));
    }

    private static Scope scope(JsonObject ext, String name) {
        return new Scope(strings(ext, "lists", "extensions." + name), strings(ext, "rooms", "extensions." + name));
    }

    private static Optional<List<String>> strings(JsonObject json, String key, String where) {
        if (!json.has(key) || json.get(key).orElseThrow() instanceof JsonNull) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (CanonicalJsonValue value : optionalArray(json, key).orElseThrow().values()) {
            if (!(value instanceof JsonString string)) {
                throw bad(where + "." + key + " must be an array of strings");
            }
            out.add(string.value());
        }
        return Optional.of(out);
    }

    private static JsonObject object(CanonicalJsonValue value, String where) {
        if (value instanceof JsonObject object) {
            return object;
        }
        throw bad(where + " must be an object");
    }

    private static Optional<JsonObject> optionalObject(JsonObject json, String key) {
        return present(json, key).map(value -> object(value, key));
    }

    private static Optional<JsonArray> optionalArray(JsonObject json, String key) {
        return present(json, key).map(value -> {
            if (value instanceof JsonArray array) {
                return array;
            }
            throw bad(key + " must be an array");
        });
    }

    private static Optional<String> optionalString(JsonObject json, String key) {
        return present(json, key).map(value -> {
            if (value instanceof JsonString string) {
                return string.value();
            }
            throw bad(key + " must be a string");
        });
    }

    private static Optional<Long> optionalInteger(JsonObject json, String key) {
        return present(json, key).map(value -> {
            if (value instanceof JsonInteger integer) {
                return integer.value();
            }
            throw bad(key + " must be an integer");
        });
    }

    private static Optional<Boolean> optionalBool(JsonObject json, String key) {
        return present(json, key).map(value -> {
            if (value instanceof JsonBool bool) {
                return bool.value();
            }
            throw bad(key + " must be a boolean");
        });
    }

    /** The field's value; a JSON {@code null} counts as absent, as clients serialise unset options that way. */
    private static Optional<CanonicalJsonValue> present(JsonObject json, String key) {
        return json.get(key).filter(value -> !(value instanceof JsonNull));
    }

    private static MatrixException bad(String message) {
        return new MatrixException(ErrorCode.BAD_JSON, message);
    }

    private static MatrixException invalid(String message) {
        return new MatrixException(ErrorCode.INVALID_PARAM, message);
    }
}
