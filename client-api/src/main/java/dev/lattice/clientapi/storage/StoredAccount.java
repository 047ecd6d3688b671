package dev.lattice.clientapi.storage;

import static java.util.Objects.requireNonNull;

/**
 * A row of {@code clientapi.accounts}.
 *
 * @param passwordHash the bcrypt hash, or null when the account cannot log in with a password
 */
public record StoredAccount(String localpart, String passwordHash, boolean isAdmin, boolean deactivated) {
    public StoredAccount {
        requireNonNull(localpart, "localpart is null");
    }
}
