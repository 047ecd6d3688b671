package dev.lattice.protocol.json;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.TreeMap;

/**
 * A mutable builder for {@link JsonObject}, for code that assembles events and requests.
 *
 * <pre>{@code
 * JsonObject content = new JsonObjectBuilder().put("membership", "join").put("displayname", "Alice").build();
 * }</pre>
 */
public final class JsonObjectBuilder {
    private final TreeMap<String, CanonicalJsonValue> members = new TreeMap<>(JsonObject.KEY_ORDER);

    public JsonObjectBuilder() {}

    /** Starts from the members of {@code object}. */
    public JsonObjectBuilder(JsonObject object) {
        members.putAll(object.members());
    }

    public JsonObjectBuilder put(String key, CanonicalJsonValue value) {
        members.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
        return this;
    }

    public JsonObjectBuilder put(String key, String value) {
        return put(key, new JsonString(value));
    }

    /** @throws CanonicalJsonException if {@code value} is outside ±(2^53−1) */
    public JsonObjectBuilder put(String key, long value) {
        return put(key, new JsonInteger(value));
    }

    public JsonObjectBuilder put(String key, boolean value) {
        return put(key, JsonBool.of(value));
    }

    /** Puts an array of strings. */
    public JsonObjectBuilder putStrings(String key, Collection<String> values) {
        return put(
                key,
                new JsonArray(
                        values.stream().<CanonicalJsonValue>map(JsonString::new).toList()));
    }

    public JsonObjectBuilder remove(String key) {
        members.remove(key);
        return this;
    }

    public boolean has(String key) {
        return members.containsKey(key);
    }

    public JsonObject build() {
        return new JsonObject(members);
    }
}
