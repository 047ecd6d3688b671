package dev.lattice.protocol.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, through the JDK (which uses CPU intrinsics where available). */
public final class Sha256 {
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    private Sha256() {}

    /** The 32-byte SHA-256 digest of {@code bytes}. */
    public static byte[] hash(byte[] bytes) {
        MessageDigest digest = DIGEST.get();
        digest.reset();
        return digest.digest(bytes);
    }
}
