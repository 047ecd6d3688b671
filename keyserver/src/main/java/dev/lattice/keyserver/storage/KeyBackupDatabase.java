package dev.lattice.keyserver.storage;

import dev.lattice.protocol.id.UserId;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Server-side key backup storage: versions and their session keys. Each operation is one transaction. */
public interface KeyBackupDatabase {

    /** Creates a version, which becomes the current one; its number (one more than any the user ever had). */
    Mono<Long> createVersion(UserId user, String algorithm, String authDataJson);

    /** The current version (the newest not deleted), with its count and etag. */
    Mono<Optional<BackupVersion>> currentVersion(UserId user);

    /** A version that exists and is not deleted. */
    Mono<Optional<BackupVersion>> version(UserId user, long version);

    /** Replaces a version's {@code auth_data}; false when there is no such version. */
    Mono<Boolean> updateVersion(UserId user, long version, String authDataJson);

    /** Deletes a version and its keys; false when there is no such version. */
    Mono<Boolean> deleteVersion(UserId user, long version);

    /**
     * Stores keys into {@code version}, each replacing the stored one of its session only when it is better
     * ({@link BackupKey#betterThan}); the etag moves when any key changed. Empty when {@code version} is not the
     * current version (or there is none) at the time of the write: nothing is stored then.
     *
     * @return the version after the write (its count and etag)
     */
    Mono<Optional<BackupVersion>> putKeys(UserId user, long version, List<BackupKey> keys);

    /** The version's keys, of one room and one session when given. */
    Mono<List<BackupKey>> keys(UserId user, long version, Optional<String> roomId, Optional<String> sessionId);

    /**
     * Deletes the version's keys, of one room and one session when given; the etag moves when any was deleted.
     *
     * @return the version after the delete; empty when there is no such version
     */
    Mono<Optional<BackupVersion>> deleteKeys(
            UserId user, long version, Optional<String> roomId, Optional<String> sessionId);
}
