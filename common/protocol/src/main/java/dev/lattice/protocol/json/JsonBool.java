package dev.lattice.protocol.json;

/** A JSON boolean. */
public record JsonBool(boolean value) implements CanonicalJsonValue {
    public static final JsonBool TRUE = new JsonBool(true);
    public static final JsonBool FALSE = new JsonBool(false);

    public static JsonBool of(boolean value) {
        return value ? TRUE : FALSE;
    }
}
