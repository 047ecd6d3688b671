package dev.lattice.clientapi.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of Synapse's {@code POST /_synapse/admin/v1/register}.
 *
 * @param userType Synapse's user type ({@code bot}, {@code support}); part of the MAC, otherwise ignored
 */
public record AdminRegisterRequest(
        @JsonProperty("nonce") String nonce,
        @JsonProperty("username") String username,
        @JsonProperty("password") String password,
        @JsonProperty("displayname") String displayname,
        @JsonProperty("admin") Boolean admin,
        @JsonProperty("user_type") String userType,
        @JsonProperty("mac") String mac) {}
