package dev.lattice.clientapi.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /_matrix/client/v3/register}.
 *
 * @param username the desired localpart; one is generated when null
 * @param password required here (NOTSPEC: the spec makes it optional; like Synapse, we need a way to log in)
 * @param inhibitLogin when true, no device or token is created
 * @param refreshToken whether the client supports refresh tokens
 */
public record RegisterRequest(
        @JsonProperty("auth") AuthData auth,
        @JsonProperty("username") String username,
        @JsonProperty("password") String password,
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("initial_device_display_name") String initialDeviceDisplayName,
        @JsonProperty("inhibit_login") Boolean inhibitLogin,
        @JsonProperty("refresh_token") Boolean refreshToken) {}
