package dev.lattice.protocol.json;

/** The JSON {@code null} literal. */
public enum JsonNull implements CanonicalJsonValue {
    INSTANCE
}
