package dev.lattice.keyserver.storage;

import static java.util.Objects.requireNonNull;

/**
 * A key backup version and what clients are told about it.
 *
 * @param authDataJson the {@code auth_data} object as canonical JSON
 * @param etag changes whenever the version's keys change
 * @param count how many session keys it holds
 */
public record BackupVersion(long version, String algorithm, String authDataJson, long etag, long count) {
    public BackupVersion {
        requireNonNull(algorithm, "algorithm is null");
        requireNonNull(authDataJson, "authDataJson is null");
    }
}
