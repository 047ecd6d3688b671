package dev.lattice.protocol.federation;

/** The outcome of authenticating one federation request; everything but {@link #VALID} is a 401. */
public enum RequestCheck {
    /** The origin's key signed exactly this request for this server. */
    VALID,
    /** The header names another server as {@code destination}. */
    WRONG_DESTINATION,
    /** The origin's key named in the header is not known (the origin does not publish it). */
    UNKNOWN_KEY,
    /** The key's {@code valid_until_ts} has passed: a request must be signed with a currently valid key. */
    EXPIRED_KEY,
    /** The signature is not base64 or not 64 bytes. */
    MALFORMED_SIGNATURE,
    /** The signature does not cover this method, URI, origin, destination and body. */
    BAD_SIGNATURE;

    public boolean isValid() {
        return this == VALID;
    }
}
