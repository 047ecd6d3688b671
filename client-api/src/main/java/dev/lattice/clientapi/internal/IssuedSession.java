package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What login and registration answer: the user, and unless login was inhibited, the device and its tokens.
 *
 * @param homeServer deprecated by the spec but still read by some clients
 * @param refreshToken present when the client asked for refresh tokens
 * @param expiresInMs the access token's lifetime, present with {@code refreshToken}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IssuedSession(
        @JsonProperty("user_id") String userId,
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("home_server") String homeServer,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("expires_in_ms") Long expiresInMs) {

    public IssuedSession {
        requireNonNull(userId, "userId is null");
    }

    /** Registration with {@code inhibit_login}: the user ID alone. */
    public static IssuedSession userOnly(String userId) {
        return new IssuedSession(userId, null, null, null, null, null);
    }
}
