package dev.lattice.clientapi.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An {@code identifier} of login and {@code m.login.password}: {@code m.id.user} names a user; this server has no
 * third-party identifiers, so {@code m.id.thirdparty} and {@code m.id.phone} are refused.
 */
public record UserIdentifier(
        @JsonProperty("type") String type,
        @JsonProperty("user") String user,
        @JsonProperty("medium") String medium,
        @JsonProperty("address") String address) {

    public static final String USER = "m.id.user";
}
