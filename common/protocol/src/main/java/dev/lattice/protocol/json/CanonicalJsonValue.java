package dev.lattice.protocol.json;

/**
 * A JSON value as Matrix canonical JSON allows it: no floats, integers within ±(2^53−1), objects with unique
 * keys kept in code-point order. Hashing, signing, redaction and event-ID computation all work on this type.
 *
 * <p>Switch over the permitted records rather than testing with {@code instanceof} chains.
 */
public sealed interface CanonicalJsonValue permits JsonNull, JsonBool, JsonInteger, JsonString, JsonArray, JsonObject {

    /** The largest integer canonical JSON allows: 2^53 − 1. */
    long MAX_SAFE_INTEGER = 9_007_199_254_740_991L;

    /** The smallest integer canonical JSON allows: −(2^53 − 1). */
    long MIN_SAFE_INTEGER = -MAX_SAFE_INTEGER;
}
