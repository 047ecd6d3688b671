package dev.lattice.protocol.federation;

/** A server key response that is malformed, for another server, or not validly self-signed. */
public final class InvalidKeyResponseException extends RuntimeException {
    public InvalidKeyResponseException(String message) {
        super(message);
    }
}
