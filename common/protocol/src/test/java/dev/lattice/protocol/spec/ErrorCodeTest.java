package dev.lattice.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.json.CanonicalJson;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    @Test
    void knownCodesAreCachedWithTheirStatus() {
        assertThat(ErrorCode.of("M_FORBIDDEN")).isSameAs(ErrorCode.FORBIDDEN);
        assertThat(ErrorCode.FORBIDDEN.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.LIMIT_EXCEEDED.httpStatus()).isEqualTo(429);
        assertThat(ErrorCode.TOO_LARGE.httpStatus()).isEqualTo(413);
        assertThat(ErrorCode.UNKNOWN_TOKEN.httpStatus()).isEqualTo(401);
        assertThat(ErrorCode.known()).allSatisfy(c -> assertThat(c.code()).startsWith("M_"));
        assertThat(ErrorCode.known()).hasSizeGreaterThan(40);
    }

    @Test
    void unknownCodesAreKept() {
        ErrorCode custom = ErrorCode.of("COM.EXAMPLE_THING");
        assertThat(custom.code()).isEqualTo("COM.EXAMPLE_THING");
        assertThat(custom.isKnown()).isFalse();
        assertThat(custom).isEqualTo(ErrorCode.of("COM.EXAMPLE_THING"));
    }

    @Test
    void exceptionsRenderTheStandardErrorResponse() {
        MatrixException e = MatrixException.limitExceeded("Too many requests", 2000);
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.retryAfterMs()).hasValue(2000);
        assertThat(CanonicalJson.encodeToString(e.toJson()))
                .isEqualTo(
                        "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"error\":\"Too many requests\",\"retry_after_ms\":2000}");
        MatrixException methodNotAllowed =
                new MatrixException(ErrorCode.UNRECOGNIZED, "Method not allowed").withHttpStatus(405);
        assertThat(methodNotAllowed.httpStatus()).isEqualTo(405);
        assertThat(methodNotAllowed.errorCode()).isEqualTo(ErrorCode.UNRECOGNIZED);
    }
}
