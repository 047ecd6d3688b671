package dev.lattice.mediaapi.routing;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpHeaders;

/**
 * The headers every media response carries, so a browser never runs what someone uploaded: the spec's
 * Content-Security-Policy, {@code Cross-Origin-Resource-Policy: cross-origin}, {@code nosniff}, and a
 * Content-Disposition that is {@code inline} only for types that cannot script.
 */
final class MediaHeaders {
    /**
     * The spec's recommended policy (Content repository) plus {@code media-src 'self'}, which Synapse adds so that an
     * inline audio or video file plays when opened directly.
     */
    static final String CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; script-src 'none';"
            + " plugin-types application/pdf; style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";

    /**
     * The spec's list for serving inline content (Content repository → Serving inline content), the same as
     * Synapse's {@code INLINE_CONTENT_TYPES}; SVG is deliberately absent, since it can carry scripts.
     */
    static final Set<String> INLINE_CONTENT_TYPES = Set.of(
            "text/css",
            "text/plain",
            "text/csv",
            "application/json",
            "application/ld+json",
            "image/jpeg",
            "image/gif",
            "image/png",
            "image/apng",
            "image/webp",
            "image/avif",
            "video/mp4",
            "video/webm",
            "video/ogg",
            "video/quicktime",
            "audio/mp4",
            "audio/webm",
            "audio/aac",
            "audio/mpeg",
            "audio/ogg",
            "audio/wave",
            "audio/wav",
            "audio/x-wav",
            "audio/x-pn-wav",
            "audio/flac",
            "audio/x-flac");

    /** RFC 5987 {@code attr-char}: what may stand unescaped in {@code filename*}. */
    private static final String ATTR_CHAR_PUNCTUATION = "!#$&+-.^_`|~";

    /** RFC 2616 separators: a filename containing one cannot be a bare {@code token}. */
    private static final String SEPARATORS = "()<>@,;:\\\"/[]?={}";

    /** Sets the security headers and the Content-Disposition for content of {@code contentType}. */
    static void set(HttpHeaders headers, String contentType, Optional<String> fileName) {
        headers.set(HttpHeaders.CONTENT_TYPE, contentType);
        headers.set(HttpHeaders.CONTENT_DISPOSITION, contentDisposition(contentType, fileName));
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        // Older browsers' (IE11's) form of the sandbox, as Synapse sends.
        headers.set("X-Content-Security-Policy", "sandbox;");
        headers.set("Cross-Origin-Resource-Policy", "cross-origin");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        // Media is immutable; as Synapse, let clients keep it a day and caches revalidate each time (auth).
        headers.set(HttpHeaders.CACHE_CONTROL, "public,max-age=86400,s-maxage=0,proxy-revalidate");
        // Keep uploads out of search engines, as Synapse.
        headers.set("X-Robots-Tag", "noindex, nofollow, noarchive, noimageindex");
    }

    /**
     * {@code inline} for the spec's safe types (parameters ignored, case-insensitive), else {@code attachment}; the
     * filename as an RFC 2616 token when it is one, else RFC 5987's {@code filename*=utf-8''…} (RFC 6266 §4.1), as
     * Synapse does. Quoted strings are avoided: clients disagree on their escapes.
     */
    static String contentDisposition(String contentType, Optional<String> fileName) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        String disposition = INLINE_CONTENT_TYPES.contains(type) ? "inline" : "attachment";
        if (fileName.isEmpty() || fileName.get().isEmpty()) {
            return disposition;
        }
        String name = fileName.get();
        return isToken(name) ? disposition + "; filename=" + name : disposition + "; filename*=utf-8''" + encode(name);
    }

    private static boolean isToken(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 32 || c >= 127 || SEPARATORS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5987 {@code value-chars}: UTF-8 bytes, each byte outside {@code attr-char} as {@code %XX}. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c < 128 && ATTR_CHAR_PUNCTUATION.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private MediaHeaders() {}
}
