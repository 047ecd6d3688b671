package dev.lattice.protocol.crypto;

/**
 * The outcome of checking one entity's signature on a JSON object
 * (<a href="https://spec.matrix.org/v1.19/appendices/#checking-for-a-signature">Checking for a Signature</a>).
 */
public enum SignatureCheck {
    /** The signature verifies. */
    VALID,
    /** {@code signatures} is missing, or is not an object of objects of strings. */
    NO_SIGNATURES,
    /** There is no {@code signatures} entry for the entity. */
    MISSING_ENTITY,
    /** The entity's entry has no signature under the key ID. */
    MISSING_KEY_ID,
    /** The signature is not base64, or not 64 bytes. */
    MALFORMED_SIGNATURE,
    /** The signature does not match the object: it was tampered with, or signed by another key. */
    BAD_SIGNATURE;

    public boolean isValid() {
        return this == VALID;
    }
}
