package dev.lattice.protocol.json;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A JSON object; immutable, with members sorted by key in Unicode code-point order, the order canonical JSON
 * encodes them in. ({@link String#compareTo} orders by UTF-16 code unit, which differs from code-point order for
 * characters outside the Basic Multilingual Plane, hence {@link #KEY_ORDER}.)
 */
public record JsonObject(SortedMap<String, CanonicalJsonValue> members) implements CanonicalJsonValue {

    /** Orders keys by Unicode code point, as the canonical JSON encoding requires. */
    public static final java.util.Comparator<String> KEY_ORDER = JsonObject::compareCodePoints;

    public static final JsonObject EMPTY = new JsonObject(new TreeMap<>(KEY_ORDER));

    public JsonObject {
        TreeMap<String, CanonicalJsonValue> copy = new TreeMap<>(KEY_ORDER);
        copy.putAll(members);
        members = Collections.unmodifiableSortedMap(copy);
    }

    /** Copies {@code members}, whatever their map type, into a canonically ordered object. */
    public static JsonObject of(Map<String, ? extends CanonicalJsonValue> members) {
        TreeMap<String, CanonicalJsonValue> sorted = new TreeMap<>(KEY_ORDER);
        sorted.putAll(members);
        return new JsonObject(sorted);
    }

    public Optional<CanonicalJsonValue> get(String key) {
        return Optional.ofNullable(members.get(key));
    }

    public boolean has(String key) {
        return members.containsKey(key);
    }

    /** The member {@code key} if it is a string. */
    public Optional<String> getString(String key) {
        return members.get(key) instanceof JsonString s ? Optional.of(s.value()) : Optional.empty();
    }

    /** The member {@code key} if it is an integer. */
    public Optional<Long> getInteger(String key) {
        return members.get(key) instanceof JsonInteger i ? Optional.of(i.value()) : Optional.empty();
    }

    /** The member {@code key} if it is a boolean. */
    public Optional<Boolean> getBool(String key) {
        return members.get(key) instanceof JsonBool b ? Optional.of(b.value()) : Optional.empty();
    }

    /** The member {@code key} if it is an object. */
    public Optional<JsonObject> getObject(String key) {
        return members.get(key) instanceof JsonObject o ? Optional.of(o) : Optional.empty();
    }

    /** The member {@code key} if it is an array. */
    public Optional<JsonArray> getArray(String key) {
        return members.get(key) instanceof JsonArray a ? Optional.of(a) : Optional.empty();
    }

    /** A copy with {@code key} set to {@code value}. */
    public JsonObject with(String key, CanonicalJsonValue value) {
        TreeMap<String, CanonicalJsonValue> copy = new TreeMap<>(members);
        copy.put(key, value);
        return new JsonObject(copy);
    }

    /** A copy without {@code key}. */
    public JsonObject without(String key) {
        if (!members.containsKey(key)) {
            return this;
        }
        TreeMap<String, CanonicalJsonValue> copy = new TreeMap<>(members);
        copy.remove(key);
        return new JsonObject(copy);
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
