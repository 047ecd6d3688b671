package dev.lattice.clientapi.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random tokens and their hashes. Tokens are 32 bytes from {@link SecureRandom}, URL-safe base64 without padding;
 * only their SHA-256 is stored.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String DEVICE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String LOCALPART_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** A new access or refresh token: 256 random bits, 43 URL-safe characters. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** SHA-256 of a token's UTF-8 bytes: what the tables store and look up. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A device ID like Synapse's: ten uppercase letters. */
    public static String newDeviceId() {
        return random(DEVICE_ID_ALPHABET, 10);
    }

    /** A localpart for a registration that named none. */
    public static String newLocalpart() {
        return "u" + random(LOCALPART_ALPHABET, 11);
    }

    private static String random(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private Secrets() {}
}
