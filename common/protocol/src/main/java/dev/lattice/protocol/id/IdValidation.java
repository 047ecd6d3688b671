package dev.lattice.protocol.id;

/**
 * The grammar of Matrix identifiers (<a href="https://spec.matrix.org/v1.19/appendices/#identifier-grammar">Identifier
 * Grammar</a>), one static check per identifier kind, each throwing {@link InvalidIdException} with a {@link Reason}.
 *
 * <p>The checks named after an identifier accept everything a server must accept over federation, including
 * <a href="https://spec.matrix.org/v1.19/appendices/#historical-user-ids">historical user IDs</a>. The
 * {@code strict} checks are for identifiers this server creates.
 */
public final class IdValidation {

    /** The most bytes (UTF-8) a user ID, room ID, room alias or event ID may have. */
    public static final int MAX_BYTES = 255;

    /** Why an identifier was refused. */
    public enum Reason {
        /** The string is empty. */
        EMPTY,
        /** The string does not start with the identifier's sigil ({@code @ ! $ #}). */
        MISSING_SIGIL,
        /** There is no {@code :} between the localpart and the server name. */
        MISSING_COLON,
        /** The localpart is empty where the grammar requires one. */
        EMPTY_LOCALPART,
        /** A character the grammar does not allow (for strict user IDs: anything outside {@code a-z0-9._=-/+}). */
        INVALID_CHARACTERS,
        /** More than {@link #MAX_BYTES} UTF-8 bytes. */
        TOO_LONG,
        /** The server name is not {@code hostname [":" port]}. */
        INVALID_SERVER_NAME,
        /** A version-12 room ID (or a hash event ID) that is not 43 URL-safe base64 characters. */
        INVALID_HASH
    }

    private IdValidation() {}

    static InvalidIdException fail(Reason reason, String kind, String value) {
        return new InvalidIdException(reason, "invalid " + kind + " \"" + abbreviate(value) + "\": " + reason);
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "…";
    }

    static void checkLength(String value, String kind) {
        // Fast path: a string of at most 85 chars cannot exceed 255 UTF-8 bytes (3 bytes per UTF-16 unit at most).
        if (value.length() > MAX_BYTES / 3 && utf8Length(value) > MAX_BYTES) {
            throw fail(Reason.TOO_LONG, kind, value);
        }
    }

    /** The UTF-8 length of {@code s} without allocating. */
    public static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    static String requireSigil(String value, char sigil, String kind) {
        if (value == null || value.isEmpty()) {
            throw fail(Reason.EMPTY, kind, String.valueOf(value));
        }
        if (value.charAt(0) != sigil) {
            throw fail(Reason.MISSING_SIGIL, kind, value);
        }
        return value;
    }

    /** Whether {@code s} holds a character the historical grammar never allows: NUL or a lone surrogate. */
    static boolean hasForbiddenCharacter(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return true;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A user ID as received: {@code @localpart:server_name}, the localpart any code points but {@code :} and NUL
     * (historical IDs, even an empty localpart, must be accepted), at most 255 bytes.
     */
    public static void userId(String value) {
        requireSigil(value, '@', "user ID");
        checkLength(value, "user ID");
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw fail(Reason.MISSING_COLON, "user ID", value);
        }
        if (hasForbiddenCharacter(value, 1, colon)) {
            throw fail(Reason.INVALID_CHARACTERS, "user ID", value);
        }
        serverName(value.substring(colon + 1), "user ID", value);
    }

    /** A user ID this server may create: {@link #userId} plus a non-empty localpart of {@code a-z0-9._=-/+}. */
    public static void userIdStrict(String value) {
        userId(value);
        int colon = value.indexOf(':');
        if (colon == 1) {
            throw fail(Reason.EMPTY_LOCALPART, "user ID", value);
        }
        for (int i = 1; i < colon; i++) {
            if (!isStrictUserIdChar(value.charAt(i))) {
                throw fail(Reason.INVALID_CHARACTERS, "user ID", value);
            }
        }
    }

    /** Whether {@code c} is allowed in a (non-historical) user ID localpart: {@code a-z 0-9 . _ = - / +}. */
    public static boolean isStrictUserIdChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '='
                || c == '-'
                || c == '/'
                || c == '+';
    }

    /**
     * A room ID: {@code !opaque:server_name} (room versions 1–11, opaque part any code points but {@code :} and
     * NUL) or {@code !} followed by 43 URL-safe base64 characters (room version 12, the create event's reference
     * hash); at most 255 bytes.
     */
    public static void roomId(String value) {
        requireSigil(value, '!', "room ID");
        checkLength(value, "room ID");
        int colon = value.indexOf(':');
        if (colon < 0) {
            if (!isHashId(value)) {
                throw fail(value.length() == 44 ? Reason.INVALID_HASH : Reason.MISSING_COLON, "room ID", value);
            }
            return;
        }
        if (hasForbiddenCharacter(value, 1, colon)) {
            throw fail(Reason.INVALID_CHARACTERS, "room ID", value);
        }
        serverName(value.substring(colon + 1), "room ID", value);
    }

    /** Whether {@code value} is a sigil followed by exactly 43 URL-safe base64 characters (a SHA-256 hash). */
    static boolean isHashId(String value) {
        if (value.length() != 44) {
            return false;
        }
        for (int i = 1; i < 44; i++) {
            char c = value.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * An event ID: {@code $} followed by at least one character and no NUL, at most 255 bytes. Its precise shape
     * depends on the room version ({@code $opaque:server}, standard or URL-safe base64 of the reference hash), which
     * {@code dev.lattice.protocol.version.RoomVersionRules#eventIdFormat()} checks.
     */
    public static void eventId(String value) {
        requireSigil(value, '$', "event ID");
        checkLength(value, "event ID");
        if (value.length() == 1) {
            throw fail(Reason.EMPTY_LOCALPART, "event ID", value);
        }
        if (hasForbiddenCharacter(value, 1, value.length())) {
            throw fail(Reason.INVALID_CHARACTERS, "event ID", value);
        }
    }

    /** A room alias: {@code #localpart:server_name}, the localpart any code points but {@code :} and NUL. */
    public static void roomAlias(String value) {
        requireSigil(value, '#', "room alias");
        checkLength(value, "room alias");
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw fail(Reason.MISSING_COLON, "room alias", value);
        }
        if (hasForbiddenCharacter(value, 1, colon)) {
            throw fail(Reason.INVALID_CHARACTERS, "room alias", value);
        }
        serverName(value.substring(colon + 1), "room alias", value);
    }

    /** A device ID: any non-empty string without NUL, at most 255 bytes (the spec gives no grammar). */
    public static void deviceId(String value) {
        if (value == null || value.isEmpty()) {
            throw fail(Reason.EMPTY, "device ID", String.valueOf(value));
        }
        checkLength(value, "device ID");
        if (hasForbiddenCharacter(value, 0, value.length())) {
            throw fail(Reason.INVALID_CHARACTERS, "device ID", value);
        }
    }

    /**
     * A key ID: {@code algorithm:version}, the algorithm non-empty and made of {@code a-z 0-9 _}, the version
     * non-empty without NUL (device keys use the device ID as version), at most 255 bytes.
     */
    public static void keyId(String value) {
        if (value == null || value.isEmpty()) {
            throw fail(Reason.EMPTY, "key ID", String.valueOf(value));
        }
        checkLength(value, "key ID");
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw fail(Reason.MISSING_COLON, "key ID", value);
        }
        if (colon == 0 || colon == value.length() - 1) {
            throw fail(Reason.EMPTY_LOCALPART, "key ID", value);
        }
        for (int i = 0; i < colon; i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                throw fail(Reason.INVALID_CHARACTERS, "key ID", value);
            }
        }
        if (hasForbiddenCharacter(value, colon + 1, value.length())) {
            throw fail(Reason.INVALID_CHARACTERS, "key ID", value);
        }
    }

    /**
     * A server name: {@code hostname [":" port]}, where hostname is a dotted-quad IPv4 literal (each part 0–255),
     * a bracketed IPv6 literal ({@code [} 2–45 of {@code 0-9 A-F a-f : .} {@code ]}) or a DNS name of 1–255
     * {@code 0-9 A-Z a-z - .}, and port is 1–5 digits
     * (<a href="https://spec.matrix.org/v1.19/appendices/#server-name">Server Name</a>). Case-sensitive.
     */
    public static void serverName(String value) {
        serverName(value, "server name", value);
    }

    /** Returns the index of the port's colon in a valid server name, or -1. */
    static int serverName(String s, String kind, String whole) {
        if (s == null || s.isEmpty()) {
            throw fail(Reason.INVALID_SERVER_NAME, kind, String.valueOf(whole));
        }
        int hostEnd;
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0 || close - 1 < 2 || close - 1 > 45) {
                throw fail(Reason.INVALID_SERVER_NAME, kind, whole);
            }
            for (int i = 1; i < close; i++) {
                char c = s.charAt(i);
                if (!(isDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f') || c == ':' || c == '.')) {
                    throw fail(Reason.INVALID_SERVER_NAME, kind, whole);
                }
            }
            if (s.indexOf(':', 1) < 0 || s.indexOf(':', 1) > close) { // an IPv6 literal has at least one colon
                throw fail(Reason.INVALID_SERVER_NAME, kind, whole);
            }
            hostEnd = close + 1;
            if (hostEnd < s.length() && s.charAt(hostEnd) != ':') {
                throw fail(Reason.INVALID_SERVER_NAME, kind, whole);
            }
        } else {
            int colon = s.indexOf(':');
            hostEnd = colon < 0 ? s.length() : colon;
            if (hostEnd == 0 || hostEnd > 255) {
                throw fail(Reason.INVALID_SERVER_NAME, kind, whole);
            }
            for (int i = 0; i < hostEnd; i++) {
                char c = s.charAt(i);
                if (!(isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.')) {
                    throw fail(Reason.INVALID_SERVER_NAME, kind, whole);
                }
            }
            if (looksLikeIpv4(s, hostEnd) && !isValidIpv4(s, hostEnd)) {
                throw fail(Reason.INVALID_SERVER_NAME, kind, whole);
            }
        }
        if (hostEnd == s.length()) {
            return -1;
        }
        int digits = s.length() - hostEnd - 1;
        if (digits < 1 || digits > 5) {
            throw fail(Reason.INVALID_SERVER_NAME, kind, whole);
        }
        for (int i = hostEnd + 1; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                throw fail(Reason.INVALID_SERVER_NAME, kind, whole);
            }
        }
        return hostEnd;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Four dot-separated groups of digits only: meant as an IPv4 literal. */
    private static boolean looksLikeIpv4(String s, int end) {
        int dots = 0;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isDigit(c)) {
                return false;
            }
        }
        return dots == 3;
    }

    private static boolean isValidIpv4(String s, int end) {
        String[] parts = s.substring(0, end).split("\\.", -1);
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
