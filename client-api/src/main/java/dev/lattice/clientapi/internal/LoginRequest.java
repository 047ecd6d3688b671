package dev.lattice.clientapi.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /_matrix/client/v3/login}.
 *
 * @param user the deprecated form of an {@code m.id.user} identifier
 * @param medium with {@code address}: the deprecated form of a third-party identifier
 */
public record LoginRequest(
        @JsonProperty("type") String type,
        @JsonProperty("identifier") UserIdentifier identifier,
        @JsonProperty("user") String user,
        @JsonProperty("medium") String medium,
        @JsonProperty("address") String address,
        @JsonProperty("password") String password,
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("initial_device_display_name") String initialDeviceDisplayName,
        @JsonProperty("refresh_token") Boolean refreshToken) {}
