package dev.lattice.protocol.json;

import static java.util.Objects.requireNonNull;

/** A JSON string. */
public record JsonString(String value) implements CanonicalJsonValue {
    public JsonString {
        requireNonNull(value, "value is null");
    }

    public static JsonString of(String value) {
        return new JsonString(value);
    }
}
