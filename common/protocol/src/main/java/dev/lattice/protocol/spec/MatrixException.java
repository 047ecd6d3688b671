package dev.lattice.protocol.spec;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A failure the client or remote server is told about as {@code {"errcode": ..., "error": ...}}, with the HTTP
 * status from the error code unless one is given. The HTTP edge renders it; nothing else maps errors.
 */
public class MatrixException extends RuntimeException {
    private final ErrorCode code;
    private final int status;
    private final Map<String, Object> extraFields;

    public MatrixException(ErrorCode code, String message) {
        this(code, code.defaultStatus(), message, Map.of());
    }

    public MatrixException(ErrorCode code, int status, String message) {
        this(code, status, message, Map.of());
    }

    /**
     * @param extraFields fields rendered beside {@code errcode} and {@code error}, such as {@code retry_after_ms}
     */
    public MatrixException(ErrorCode code, int status, String message, Map<String, Object> extraFields) {
        super(requireNonNull(message, "message is null"));
        this.code = requireNonNull(code, "code is null");
        this.status = status;
        this.extraFields = Map.copyOf(extraFields);
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    public Map<String, Object> extraFields() {
        return extraFields;
    }
}
