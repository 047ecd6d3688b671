package dev.lattice.protocol.json;

import java.util.List;

/** A JSON array; immutable. */
public record JsonArray(List<CanonicalJsonValue> values) implements CanonicalJsonValue {
    public static final JsonArray EMPTY = new JsonArray(List.of());

    public JsonArray {
        values = List.copyOf(values);
    }

    public static JsonArray of(CanonicalJsonValue... values) {
        return new JsonArray(List.of(values));
    }

    public int size() {
        return values.size();
    }

    public CanonicalJsonValue get(int index) {
        return values.get(index);
    }
}
