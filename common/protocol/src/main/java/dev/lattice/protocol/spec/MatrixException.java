package dev.lattice.protocol.spec;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A failure the client (or remote server) is told about as {@code {"errcode": ..., "error": ...}}. Domain code throws
 * it; one error handler renders it with {@link #httpStatus()} and {@link #toJson()}, so no handler maps errors itself.
 *
 * <pre>{@code
 * throw new MatrixException(ErrorCode.FORBIDDEN, "You are not invited to this room.");
 * throw MatrixException.limitExceeded("Too many requests", 2_000);
 * throw new MatrixException(ErrorCode.UNRECOGNIZED, "Method not allowed").withHttpStatus(405);
 * }</pre>
 */
public final class MatrixException extends RuntimeException {
    private final ErrorCode errorCode;
    private final int httpStatus;
    private final JsonObject extra;

    public MatrixException(ErrorCode errorCode, String message) {
        this(errorCode, message, errorCode.httpStatus(), JsonObject.EMPTY, null);
    }

    public MatrixException(ErrorCode errorCode, String message, Throwable cause) {
        this(errorCode, message, errorCode.httpStatus(), JsonObject.EMPTY, cause);
    }

    /**
     * @param extra additional response fields (e.g. {@code retry_after_ms}, {@code room_version}); must not contain
     *     {@code errcode} or {@code error}
     */
    public MatrixException(ErrorCode errorCode, String message, int httpStatus, JsonObject extra, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
        this.httpStatus = httpStatus;
        this.extra = requireNonNull(extra, "extra is null");
        if (extra.has("errcode") || extra.has("error")) {
            throw new IllegalArgumentException("extra fields must not override errcode or error");
        }
    }

    /** {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms} (the HTTP layer also sets {@code Retry-After}). */
    public static MatrixException limitExceeded(String message, long retryAfterMs) {
        return new MatrixException(ErrorCode.LIMIT_EXCEEDED, message)
                .withField("retry_after_ms", JsonInteger.of(retryAfterMs));
    }

    /** A copy with another HTTP status (e.g. 405 for {@code M_UNRECOGNIZED}). */
    public MatrixException withHttpStatus(int status) {
        return new MatrixException(errorCode, getMessage(), status, extra, getCause());
    }

    /** A copy with an extra response field. */
    public MatrixException withField(String key, CanonicalJsonValue value) {
        return new MatrixException(errorCode, getMessage(), httpStatus, extra.with(key, value), getCause());
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The extra response fields. */
    public JsonObject extra() {
        return extra;
    }

    /** {@code retry_after_ms}, if set. */
    public OptionalLong retryAfterMs() {
        return extra.getInteger("retry_after_ms").map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** The response body: {@code errcode}, {@code error} and the extra fields. */
    public JsonObject toJson() {
        return extra.with("errcode", JsonString.of(errorCode.code())).with("error", JsonString.of(getMessage()));
    }

    /** The error as a map, for frameworks that serialise maps. */
    public Map<String, CanonicalJsonValue> toMap() {
        return toJson().members();
    }
}
