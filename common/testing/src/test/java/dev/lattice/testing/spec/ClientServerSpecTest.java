package dev.lattice.testing.spec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientServerSpecTest {
    private final ClientServerSpec spec = ClientServerSpec.shared();

    private String violation(String method, String path, int status, String body) {
        return spec.violation(method, path, status, body.getBytes(UTF_8)).orElse(null);
    }

    @Test
    void aConformingBodyPasses() {
        assertThat(violation("GET", "/_matrix/client/versions", 200, "{\"versions\":[\"v1.19\"]}"))
                .isNull();
    }

    @Test
    void aMissingRequiredPropertyIsNamed() {
        assertThat(violation("GET", "/_matrix/client/versions", 200, "{\"unstable_features\":{}}"))
                .contains("versions.yaml")
                .contains("versions");
    }

    @Test
    void schemasReachedThroughRelativeRefsAreApplied() {
        // the error body of the standard error schema, a $ref into definitions/errors
        assertThat(violation("GET", "/_matrix/client/v3/profile/%40a%3Ab", 404, "{\"errcode\":\"M_NOT_FOUND\"}"))
                .isNull();
        assertThat(violation("GET", "/_matrix/client/v3/profile/%40a%3Ab", 404, "{\"errcode\":7}"))
                .contains("errcode");
    }

    @Test
    void aBodyMatchingOverlappingAlternativesOfAOneOfPasses() {
        String path = "/_matrix/client/v3/rooms/!r:h/state/m.room.name/";
        String event = "{\"type\":\"m.room.name\",\"state_key\":\"\",\"content\":{\"name\":\"n\"},"
                + "\"event_id\":\"$e\",\"room_id\":\"!r:h\",\"sender\":\"@a:h\",\"origin_server_ts\":1}";
        assertThat(violation("GET", path, 200, event)).isNull();
        assertThat(violation("GET", path, 200, "{\"name\":\"n\"}")).isNull();
        assertThat(violation("GET", path, 200, "[]")).isNotNull();
    }

    @Test
    void aLiteralSegmentWinsOverAParameter() {
        assertThat(spec.operationFor("GET", "/_matrix/client/v3/rooms/!r:h/state/m.room.member/%40a%3Ab"))
                .hasValueSatisfying(o -> assertThat(o.template()).endsWith("/state/{eventType}/{stateKey}"));
        assertThat(spec.operationFor("POST", "/_matrix/client/v3/keys/device_signing/upload"))
                .hasValueSatisfying(o -> assertThat(o.template()).endsWith("/keys/device_signing/upload"));
    }

    @Test
    void requestsTheSpecDoesNotDescribeAreNotJudged() {
        assertThat(violation("GET", "/_lattice/anything", 200, "not json")).isNull();
        assertThat(violation("GET", "/_matrix/client/versions", 500, "{}")).isNull();
    }

    @Test
    void aBodyThatIsNotJsonIsAViolation() {
        assertThat(violation("GET", "/_matrix/client/versions", 200, "<html>")).contains("not JSON");
    }
}
