package dev.lattice.protocol.crypto;

import java.util.Base64;

/**
 * <a href="https://spec.matrix.org/v1.19/appendices/#unpadded-base64">Unpadded base64</a>, standard and URL-safe.
 * Decoding accepts input with or without {@code =} padding, as the spec recommends.
 */
public final class UnpaddedBase64 {
    private static final Base64.Encoder STANDARD = Base64.getEncoder().withoutPadding();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private UnpaddedBase64() {}

    public static String encode(byte[] bytes) {
        return STANDARD.encodeToString(bytes);
    }

    public static String encodeUrlSafe(byte[] bytes) {
        return URL_SAFE.encodeToString(bytes);
    }

    /** @throws IllegalArgumentException if {@code s} is not standard base64 */
    public static byte[] decode(String s) {
        return Base64.getDecoder().decode(s);
    }

    /** @throws IllegalArgumentException if {@code s} is not URL-safe base64 */
    public static byte[] decodeUrlSafe(String s) {
        return Base64.getUrlDecoder().decode(s);
    }
}
