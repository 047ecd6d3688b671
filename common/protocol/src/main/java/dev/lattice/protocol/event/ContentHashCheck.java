package dev.lattice.protocol.event;

/**
 * The outcome of checking an event's content hash. A mismatch is not an error: the spec says to carry on with the
 * redacted event ({@link Redaction#redact}), assuming we were sent a redacted copy.
 */
public enum ContentHashCheck {
    /** {@code hashes.sha256} matches the event. */
    MATCH,
    /** {@code hashes.sha256} does not match: use the redacted event. */
    MISMATCH,
    /** There is no {@code hashes.sha256} string, or it is not base64 of 32 bytes: use the redacted event. */
    MISSING;

    public boolean matches() {
        return this == MATCH;
    }
}
