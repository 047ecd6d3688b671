package dev.lattice.mediaapi.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Media IDs, the path of {@code mxc://<server>/<mediaId>}. The spec allows only {@code [A-Za-z0-9_-]} (Content
 * repository → Security considerations), which rules out path traversal by construction.
 */
public final class MediaIds {
    /** Our IDs are 24 characters; others' may be longer, so accept up to 255 as opaque identifiers may be. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new media ID: 144 random bits as 24 URL-safe base64 characters, so IDs cannot be guessed. */
    public static String generate() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code mediaId} is made of the spec's allowed characters only. */
    public static boolean isValid(String mediaId) {
        return VALID.matcher(mediaId).matches();
    }

    private MediaIds() {}
}
