package dev.lattice.protocol.spec;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Matrix error code ({@code errcode}) with the HTTP status the spec pairs it with. An open set: {@link #of}
 * keeps codes we do not know (a remote server may send any), so this is a value class, not an enum.
 *
 * @see <a href="https://spec.matrix.org/v1.19/client-server-api/#common-error-codes">Common error codes</a>
 */
public final class ErrorCode {
    private static final Map<String, ErrorCode> KNOWN = new ConcurrentHashMap<>();

    public static final ErrorCode FORBIDDEN = known("M_FORBIDDEN", 403);
    public static final ErrorCode UNKNOWN_TOKEN = known("M_UNKNOWN_TOKEN", 401);
    public static final ErrorCode MISSING_TOKEN = known("M_MISSING_TOKEN", 401);
    public static final ErrorCode USER_LOCKED = known("M_USER_LOCKED", 401);
    public static final ErrorCode USER_SUSPENDED = known("M_USER_SUSPENDED", 403);
    public static final ErrorCode BAD_JSON = known("M_BAD_JSON", 400);
    public static final ErrorCode NOT_JSON = known("M_NOT_JSON", 400);
    public static final ErrorCode NOT_FOUND = known("M_NOT_FOUND", 404);
    public static final ErrorCode LIMIT_EXCEEDED = known("M_LIMIT_EXCEEDED", 429);
    public static final ErrorCode UNRECOGNIZED = known("M_UNRECOGNIZED", 404);
    public static final ErrorCode UNKNOWN = known("M_UNKNOWN", 400);
    public static final ErrorCode UNAUTHORIZED = known("M_UNAUTHORIZED", 401);
    public static final ErrorCode USER_DEACTIVATED = known("M_USER_DEACTIVATED", 403);
    public static final ErrorCode USER_IN_USE = known("M_USER_IN_USE", 400);
    public static final ErrorCode INVALID_USERNAME = known("M_INVALID_USERNAME", 400);
    public static final ErrorCode ROOM_IN_USE = known("M_ROOM_IN_USE", 400);
    public static final ErrorCode INVALID_ROOM_STATE = known("M_INVALID_ROOM_STATE", 400);
    public static final ErrorCode THREEPID_IN_USE = known("M_THREEPID_IN_USE", 400);
    public static final ErrorCode THREEPID_NOT_FOUND = known("M_THREEPID_NOT_FOUND", 400);
    public static final ErrorCode THREEPID_AUTH_FAILED = known("M_THREEPID_AUTH_FAILED", 401);
    public static final ErrorCode THREEPID_DENIED = known("M_THREEPID_DENIED", 403);
    public static final ErrorCode SERVER_NOT_TRUSTED = known("M_SERVER_NOT_TRUSTED", 403);
    public static final ErrorCode UNSUPPORTED_ROOM_VERSION = known("M_UNSUPPORTED_ROOM_VERSION", 400);
    public static final ErrorCode INCOMPATIBLE_ROOM_VERSION = known("M_INCOMPATIBLE_ROOM_VERSION", 400);
    public static final ErrorCode BAD_STATE = known("M_BAD_STATE", 400);
    public static final ErrorCode GUEST_ACCESS_FORBIDDEN = known("M_GUEST_ACCESS_FORBIDDEN", 403);
    public static final ErrorCode CAPTCHA_NEEDED = known("M_CAPTCHA_NEEDED", 400);
    public static final ErrorCode CAPTCHA_INVALID = known("M_CAPTCHA_INVALID", 400);
    public static final ErrorCode MISSING_PARAM = known("M_MISSING_PARAM", 400);
    public static final ErrorCode INVALID_PARAM = known("M_INVALID_PARAM", 400);
    public static final ErrorCode TOO_LARGE = known("M_TOO_LARGE", 413);
    public static final ErrorCode EXCLUSIVE = known("M_EXCLUSIVE", 400);
    public static final ErrorCode RESOURCE_LIMIT_EXCEEDED = known("M_RESOURCE_LIMIT_EXCEEDED", 403);
    public static final ErrorCode CANNOT_LEAVE_SERVER_NOTICE_ROOM = known("M_CANNOT_LEAVE_SERVER_NOTICE_ROOM", 403);
    public static final ErrorCode WEAK_PASSWORD = known("M_WEAK_PASSWORD", 400);
    public static final ErrorCode UNABLE_TO_AUTHORISE_JOIN = known("M_UNABLE_TO_AUTHORISE_JOIN", 400);
    public static final ErrorCode UNABLE_TO_GRANT_JOIN = known("M_UNABLE_TO_GRANT_JOIN", 400);
    public static final ErrorCode NOT_YET_UPLOADED = known("M_NOT_YET_UPLOADED", 504);
    public static final ErrorCode CANNOT_OVERWRITE_MEDIA = known("M_CANNOT_OVERWRITE_MEDIA", 409);
    public static final ErrorCode UNKNOWN_POS = known("M_UNKNOWN_POS", 400);

    private final String code;
    private final int defaultStatus;

    private ErrorCode(String code, int defaultStatus) {
        this.code = requireNonNull(code, "code is null");
        this.defaultStatus = defaultStatus;
    }

    private static ErrorCode known(String code, int status) {
        ErrorCode errorCode = new ErrorCode(code, status);
        KNOWN.put(code, errorCode);
        return errorCode;
    }

    /** The catalogued code, or a new one with status 400 for a code we do not know. */
    public static ErrorCode of(String code) {
        ErrorCode known = KNOWN.get(code);
        return known != null ? known : new ErrorCode(code, 400);
    }

    /** The {@code errcode} string, e.g. {@code M_FORBIDDEN}. */
    public String code() {
        return code;
    }

    /** The HTTP status the spec gives this code where it names one; endpoints may answer another. */
    public int defaultStatus() {
        return defaultStatus;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorCode other && other.code.equals(code);
    }

    @Override
    public int hashCode() {
        return code.hashCode();
    }

    @Override
    public String toString() {
        return code;
    }
}
