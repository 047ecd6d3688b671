package dev.lattice.protocol.spec;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Matrix error code ({@code errcode}) with the HTTP status it is returned with by default: the one catalogue the
 * HTTP layer renders (<a href="https://spec.matrix.org/v1.19/client-server-api/#standard-error-response">Standard
 * error response</a>). An open set: {@link #of} keeps unknown codes (from remote servers, appservices) rather than
 * failing.
 *
 * <p>Where the spec names no status, the status Synapse uses is taken and marked {@code NOTSPEC}.
 */
public final class ErrorCode {
    private static final Map<String, ErrorCode> KNOWN = new ConcurrentHashMap<>();

    // Common error codes.
    public static final ErrorCode BAD_JSON = known("M_BAD_JSON", 400);
    public static final ErrorCode FORBIDDEN = known("M_FORBIDDEN", 403);
    /** Also sent with a {@code Retry-After} header and, deprecated, {@code retry_after_ms}. */
    public static final ErrorCode LIMIT_EXCEEDED = known("M_LIMIT_EXCEEDED", 429);

    public static final ErrorCode MISSING_TOKEN = known("M_MISSING_TOKEN", 401);
    public static final ErrorCode NOT_FOUND = known("M_NOT_FOUND", 404);
    public static final ErrorCode NOT_JSON = known("M_NOT_JSON", 400);
    /** Must carry {@code admin_contact}. NOTSPEC: status 403, as Synapse. */
    public static final ErrorCode RESOURCE_LIMIT_EXCEEDED = known("M_RESOURCE_LIMIT_EXCEEDED", 403);
    /** NOTSPEC: status 500 for an unexpected server failure, as Synapse; domain code picks 400 where the client erred. */
    public static final ErrorCode UNKNOWN = known("M_UNKNOWN", 500);
    /** NOTSPEC: status 403, as Synapse. */
    public static final ErrorCode UNKNOWN_DEVICE = known("M_UNKNOWN_DEVICE", 403);
    /** May carry {@code soft_logout}. */
    public static final ErrorCode UNKNOWN_TOKEN = known("M_UNKNOWN_TOKEN", 401);
    /** 404 for an unknown endpoint; 405 (override the status) for a known endpoint with the wrong method. */
    public static final ErrorCode UNRECOGNIZED = known("M_UNRECOGNIZED", 404);
    /** Must carry {@code info_uri}; the status depends on the endpoint. NOTSPEC: default 403. */
    public static final ErrorCode USER_LIMIT_EXCEEDED = known("M_USER_LIMIT_EXCEEDED", 403);

    public static final ErrorCode USER_LOCKED = known("M_USER_LOCKED", 401);
    public static final ErrorCode USER_SUSPENDED = known("M_USER_SUSPENDED", 403);

    // Other error codes.
    public static final ErrorCode BAD_STATE = known("M_BAD_STATE", 400);
    public static final ErrorCode CANNOT_LEAVE_SERVER_NOTICE_ROOM = known("M_CANNOT_LEAVE_SERVER_NOTICE_ROOM", 403);
    public static final ErrorCode CAPTCHA_INVALID = known("M_CAPTCHA_INVALID", 400);
    public static final ErrorCode CAPTCHA_NEEDED = known("M_CAPTCHA_NEEDED", 401);
    public static final ErrorCode EXCLUSIVE = known("M_EXCLUSIVE", 400);
    public static final ErrorCode GUEST_ACCESS_FORBIDDEN = known("M_GUEST_ACCESS_FORBIDDEN", 403);
    /** Carries {@code room_version}. */
    public static final ErrorCode INCOMPATIBLE_ROOM_VERSION = known("M_INCOMPATIBLE_ROOM_VERSION", 400);

    public static final ErrorCode INVALID_PARAM = known("M_INVALID_PARAM", 400);
    public static final ErrorCode INVALID_ROOM_STATE = known("M_INVALID_ROOM_STATE", 400);
    public static final ErrorCode INVALID_USERNAME = known("M_INVALID_USERNAME", 400);
    public static final ErrorCode MISSING_PARAM = known("M_MISSING_PARAM", 400);
    public static final ErrorCode ROOM_IN_USE = known("M_ROOM_IN_USE", 400);
    /** NOTSPEC: status 400, as Synapse. */
    public static final ErrorCode SERVER_NOT_TRUSTED = known("M_SERVER_NOT_TRUSTED", 400);

    public static final ErrorCode THREEPID_AUTH_FAILED = known("M_THREEPID_AUTH_FAILED", 401);
    public static final ErrorCode THREEPID_DENIED = known("M_THREEPID_DENIED", 403);
    public static final ErrorCode THREEPID_IN_USE = known("M_THREEPID_IN_USE", 400);
    public static final ErrorCode THREEPID_MEDIUM_NOT_SUPPORTED = known("M_THREEPID_MEDIUM_NOT_SUPPORTED", 400);
    public static final ErrorCode THREEPID_NOT_FOUND = known("M_THREEPID_NOT_FOUND", 400);
    public static final ErrorCode TOO_LARGE = known("M_TOO_LARGE", 413);
    public static final ErrorCode UNAUTHORIZED = known("M_UNAUTHORIZED", 401);
    public static final ErrorCode UNSUPPORTED_ROOM_VERSION = known("M_UNSUPPORTED_ROOM_VERSION", 400);
    public static final ErrorCode USER_DEACTIVATED = known("M_USER_DEACTIVATED", 403);
    public static final ErrorCode USER_IN_USE = known("M_USER_IN_USE", 400);

    // Endpoint-specific codes used elsewhere in the spec.
    public static final ErrorCode WEAK_PASSWORD = known("M_WEAK_PASSWORD", 400);
    /** {@code POST /join}: the resident server could not authorise a restricted join. */
    public static final ErrorCode UNABLE_TO_AUTHORISE_JOIN = known("M_UNABLE_TO_AUTHORISE_JOIN", 400);
    /** {@code POST /join}: no server could be found to grant a restricted join. NOTSPEC: 502, as Synapse. */
    public static final ErrorCode UNABLE_TO_GRANT_JOIN = known("M_UNABLE_TO_GRANT_JOIN", 502);

    public static final ErrorCode BAD_ALIAS = known("M_BAD_ALIAS", 400);
    public static final ErrorCode DUPLICATE_ANNOTATION = known("M_DUPLICATE_ANNOTATION", 400);
    public static final ErrorCode WRONG_ROOM_KEYS_VERSION = known("M_WRONG_ROOM_KEYS_VERSION", 403);
    public static final ErrorCode NOT_YET_UPLOADED = known("M_NOT_YET_UPLOADED", 504);
    public static final ErrorCode CANNOT_OVERWRITE_MEDIA = known("M_CANNOT_OVERWRITE_MEDIA", 409);
    public static final ErrorCode INVALID_SIGNATURE = known("M_INVALID_SIGNATURE", 400);
    /**
     * Simplified Sliding Sync (MSC4186): the request's {@code pos} is unknown or expired; the client begins its
     * connection anew. NOTSPEC: an MSC's code, 400 as Synapse.
     */
    public static final ErrorCode UNKNOWN_POS = known("M_UNKNOWN_POS", 400);

    private final String code;
    private final int httpStatus;

    private ErrorCode(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    private static ErrorCode known(String code, int httpStatus) {
        ErrorCode errorCode = new ErrorCode(code, httpStatus);
        KNOWN.put(code, errorCode);
        return errorCode;
    }

    /**
     * The code {@code code}: the catalogue's constant if known, otherwise a new instance with status 400 (the
     * status of an unknown code is the sender's choice, and we only relay it).
     */
    @JsonCreator
    public static ErrorCode of(String code) {
        requireNonNull(code, "code is null");
        ErrorCode known = KNOWN.get(code);
        return known != null ? known : new ErrorCode(code, 400);
    }

    /** Every code in the catalogue. */
    public static Collection<ErrorCode> known() {
        return KNOWN.values();
    }

    /** The errcode string, e.g. {@code M_FORBIDDEN}. */
    public String code() {
        return code;
    }

    /** The HTTP status this code is returned with unless the thrower says otherwise. */
    public int httpStatus() {
        return httpStatus;
    }

    public boolean isKnown() {
        return KNOWN.get(code) == this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorCode other && code.equals(other.code);
    }

    @Override
    public int hashCode() {
        return code.hashCode();
    }

    @JsonValue
    @Override
    public String toString() {
        return code;
    }
}
