package dev.lattice.protocol.json;

/** A JSON integer within the canonical range ±(2^53−1). */
public record JsonInteger(long value) implements CanonicalJsonValue {
    public JsonInteger {
        if (value < MIN_SAFE_INTEGER || value > MAX_SAFE_INTEGER) {
            throw new CanonicalJsonException(
                    CanonicalJsonException.Reason.INTEGER_OUT_OF_RANGE, "integer " + value + " is outside ±(2^53−1)");
        }
    }

    public static JsonInteger of(long value) {
        return new JsonInteger(value);
    }
}
