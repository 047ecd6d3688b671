package dev.lattice.clientapi.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code auth} object of a user-interactive authentication request: the stage the client attempts
 * ({@code type}), the session, and the fields of the stages this server offers.
 *
 * @param type the stage, e.g. {@code m.login.password}; null to ask only whether the session is complete
 * @param session the session ID the server gave; null on a first attempt
 * @param identifier for {@code m.login.password}: who the password belongs to
 * @param user for {@code m.login.password}: the deprecated form of {@code identifier}
 * @param password for {@code m.login.password}
 * @param token for {@code m.login.registration_token}
 */
public record AuthData(
        @JsonProperty("type") String type,
        @JsonProperty("session") String session,
        @JsonProperty("identifier") UserIdentifier identifier,
        @JsonProperty("user") String user,
        @JsonProperty("password") String password,
        @JsonProperty("token") String token) {}
