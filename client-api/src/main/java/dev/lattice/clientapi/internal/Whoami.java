package dev.lattice.clientapi.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer of {@code GET /account/whoami}. */
public record Whoami(
        @JsonProperty("user_id") String userId,
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("is_guest") boolean isGuest) {}
