package dev.lattice.syncapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.FilterValidation;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.syncapi.storage.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The part of a <a href="https://spec.matrix.org/v1.19/client-server-api/#filtering">RoomEventFilter</a> this server
 * applies so far: {@code limit}, {@code types}, {@code not_types} (with {@code *} wildcards), {@code senders},
 * {@code not_senders}, {@code lazy_load_members} and {@code include_redundant_members} (in {@code /sync}'s
 * {@code room.state}). Other fields ({@code contains_url}, ...) are accepted and ignored.
 *
 * @param limit the {@code limit} field, if given
 * @param types the allowed types; empty = any
 * @param notTypes the excluded types, which win over {@code types}
 * @param lazyLoadMembers whether the client wants the member events of the senders it is shown
 * @param includeRedundantMembers with {@code lazyLoadMembers}, whether member events the client was already sent are
 *     sent again (default {@code false})
 */
public record EventFilter(
        Optional<Long> limit,
        Optional<List<String>> types,
        List<String> notTypes,
        Optional<List<String>> senders,
        List<String> notSenders,
        boolean lazyLoadMembers,
        boolean includeRedundantMembers) {

    public static final EventFilter ALL =
            new EventFilter(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), List.of(), false, false);

    public EventFilter {
        requireNonNull(limit, "limit is null");
        types = types.map(List::copyOf);
        notTypes = List.copyOf(notTypes);
        senders = senders.map(List::copyOf);
        notSenders = List.copyOf(notSenders);
    }

    /**
     * Reads the {@code filter} parameter of {@code /messages}: a RoomEventFilter as JSON text.
     *
     * @throws MatrixException {@code 400 M_NOT_JSON} for text that is not a JSON object, {@code 400 M_BAD_JSON} for
     *     one that breaks the spec's schema ({@link FilterValidation})
     */
    public static EventFilter parse(String json) {
        JsonObject filter = jsonObject(json);
        FilterValidation.validateRoomEventFilter(filter);
        return read(filter);
    }

    /** A filter parameter's JSON object; other text is {@code 400 M_NOT_JSON}. */
    static JsonObject jsonObject(String json) {
        try {
            return CanonicalJson.parseObject(json);
        } catch (CanonicalJsonException e) {
            throw new MatrixException(ErrorCode.NOT_JSON, "filter is not a JSON object: " + e.getMessage());
        }
    }

    /** Reads a RoomEventFilter object; a field of the wrong type is {@code 400 M_BAD_JSON}. */
    public static EventFilter read(JsonObject filter) {
        Optional<Long> limit = Optional.empty();
        if (filter.has("limit")) {
            limit = Optional.of(filter.getInteger("limit").orElseThrow(() -> badFilter("limit must be an integer")));
        }
        return new EventFilter(
                limit,
                strings(filter, "types"),
                strings(filter, "not_types").orElse(List.of()),
                strings(filter, "senders"),
                strings(filter, "not_senders").orElse(List.of()),
                filter.getBool("lazy_load_members").orElse(false),
                filter.getBool("include_redundant_members").orElse(false));
    }

    /** Whether the filter lets {@code event} through. */
    public boolean matches(StoredEvent event) {
        String sender = event.sender();
        return matchesType(event.type())
                && !notSenders.contains(sender)
                && senders.map(allowed -> allowed.contains(sender)).orElse(true);
    }

    /**
     * Whether {@code types}/{@code not_types} let an event of this type through: all that applies to account data,
     * which has no sender.
     */
    public boolean matchesType(String type) {
        if (notTypes.stream().anyMatch(pattern -> typeMatches(pattern, type))) {
            return false;
        }
        return types.map(allowed -> allowed.stream().anyMatch(pattern -> typeMatches(pattern, type)))
                .orElse(true);
    }

    /** A type pattern where {@code *} matches any run of characters. */
    static boolean typeMatches(String pattern, String type) {
        if (!pattern.contains("*")) {
            return pattern.equals(type);
        }
        String[] parts = pattern.split("\\*", -1);
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == 0) {
                if (!type.startsWith(part)) {
                    return false;
                }
                at = part.length();
            } else if (i == parts.length - 1) {
                return type.length() - part.length() >= at && type.endsWith(part);
            } else {
                int found = type.indexOf(part, at);
                if (found < 0) {
                    return false;
                }
                at = found + part.length();
            }
        }
        return at == type.length();
    }

    static Optional<List<String>> strings(JsonObject object, String key) {
        if (!object.has(key)) {
            return Optional.empty();
        }
        if (!(object.get(key).orElseThrow() instanceof JsonArray array)) {
            throw badFilter(key + " must be an array of strings");
        }
        List<String> out = new ArrayList<>(array.size());
        for (CanonicalJsonValue value : array.values()) {
            if (!(value instanceof JsonString s)) {
                throw badFilter(key + " must be an array of strings");
            }
            out.add(s.value());
        }
        return Optional.of(out);
    }

    static MatrixException badFilter(String message) {
        return new MatrixException(ErrorCode.BAD_JSON, "Invalid filter: " + message);
    }
}
