package dev.lattice.protocol.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/**
 * A signing key identifier, {@code algorithm:version} such as {@code ed25519:abc}
 * (<a href="https://spec.matrix.org/v1.19/appendices/#signing-details">Signing Details</a>).
 */
public record KeyId(String value) {

    /** The only signing algorithm the spec defines. */
    public static final String ED25519 = "ed25519";

    public KeyId {
        IdValidation.keyId(value);
    }

    @JsonCreator
    public static KeyId parse(String value) {
        return new KeyId(value);
    }

    /**
     * The {@code ed25519} key ID {@code value}, or empty if it is malformed or names another algorithm: signatures
     * under such IDs are skipped, never failed, when checking signatures.
     */
    public static Optional<KeyId> tryParseEd25519(String value) {
        try {
            KeyId keyId = new KeyId(value);
            return ED25519.equals(keyId.algorithm()) ? Optional.of(keyId) : Optional.empty();
        } catch (InvalidIdException e) {
            return Optional.empty();
        }
    }

    public static KeyId of(String algorithm, String version) {
        return new KeyId(algorithm + ":" + version);
    }

    public static KeyId ed25519(String version) {
        return of(ED25519, version);
    }

    public String algorithm() {
        return value.substring(0, value.indexOf(':'));
    }

    public String version() {
        return value.substring(value.indexOf(':') + 1);
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
