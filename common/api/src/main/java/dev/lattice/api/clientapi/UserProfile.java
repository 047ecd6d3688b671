package dev.lattice.api.clientapi;

import java.util.Optional;

/**
 * A local user's profile.
 *
 * @param displayname the display name, null when unset
 * @param avatarUrl the avatar's {@code mxc://} URI, null when unset
 */
public record UserProfile(String displayname, String avatarUrl) {
    public Optional<String> displaynameIfSet() {
        return Optional.ofNullable(displayname);
    }

    public Optional<String> avatarUrlIfSet() {
        return Optional.ofNullable(avatarUrl);
    }
}
