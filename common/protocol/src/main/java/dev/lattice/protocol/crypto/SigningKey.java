package dev.lattice.protocol.crypto;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.id.KeyId;
import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 signing key (from its 32-byte seed) with its key ID. Thread-safe. Never logged: {@link #toString()}
 * shows only the key ID.
 *
 * <p>The key file format is Synapse's, one key per line: {@code ed25519 <version> <unpadded-base64-seed>}.
 */
public final class SigningKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyId keyId;
    private final Ed25519PrivateKeyParameters privateKey;
    private final VerifyKey verifyKey;

    private SigningKey(KeyId keyId, Ed25519PrivateKeyParameters privateKey) {
        this.keyId = requireNonNull(keyId, "keyId is null");
        if (!KeyId.ED25519.equals(keyId.algorithm())) {
            throw new IllegalArgumentException("unsupported key algorithm " + keyId.algorithm());
        }
        this.privateKey = privateKey;
        this.verifyKey = new VerifyKey(keyId, privateKey.generatePublicKey().getEncoded());
    }

    /** The key for a 32-byte seed. */
    public static SigningKey fromSeed(KeyId keyId, byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, not " + seed.length);
        }
        return new SigningKey(keyId, new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** A fresh random key with ID {@code ed25519:<version>}. */
    public static SigningKey generate(String version) {
        return new SigningKey(KeyId.ed25519(version), new Ed25519PrivateKeyParameters(RANDOM));
    }

    /**
     * Reads a Synapse key-file line, {@code ed25519 <version> <unpadded-base64-seed>}.
     *
     * @throws IllegalArgumentException if the line is not in that form
     */
    public static SigningKey fromKeyFileLine(String line) {
        String[] parts = line.strip().split("\\s+");
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected 'ed25519 <version> <seed>'");
        }
        return fromSeed(KeyId.of(parts[0], parts[1]), UnpaddedBase64.decode(parts[2]));
    }

    /** The Synapse key-file line for this key. Contains the secret seed. */
    public String toKeyFileLine() {
        return keyId.algorithm() + " " + keyId.version() + " " + UnpaddedBase64.encode(privateKey.getEncoded());
    }

    public KeyId keyId() {
        return keyId;
    }

    /** The public half, with no expiry. */
    public VerifyKey verifyKey() {
        return verifyKey;
    }

    /** The 64-byte Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId + "]";
    }
}
