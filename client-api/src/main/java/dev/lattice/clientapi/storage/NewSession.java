package dev.lattice.clientapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * A device and the tokens to issue for it at login or registration.
 *
 * @param displayName the device's initial name, or null
 * @param ip the client's address, or null
 * @param tokens the hashes to store
 */
public record NewSession(String deviceId, String displayName, String ip, NewTokens tokens) {
    public NewSession {
        requireNonNull(deviceId, "deviceId is null");
        requireNonNull(tokens, "tokens is null");
    }
}
