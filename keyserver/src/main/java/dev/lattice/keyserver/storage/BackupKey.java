package dev.lattice.keyserver.storage;

import static java.util.Objects.requireNonNull;

/**
 * One backed-up Megolm session key ({@code KeyBackupData}).
 *
 * @param sessionDataJson the client-encrypted {@code session_data} object as canonical JSON
 */
public record BackupKey(
        String roomId,
        String sessionId,
        long firstMessageIndex,
        long forwardedCount,
        boolean verified,
        String sessionDataJson) {
    public BackupKey {
        requireNonNull(roomId, "roomId is null");
        requireNonNull(sessionId, "sessionId is null");
        requireNonNull(sessionDataJson, "sessionDataJson is null");
    }

    /**
     * The spec's "better key wins": a verified key beats an unverified one; then the lower
     * {@code first_message_index} (it decrypts more of the session); then the lower {@code forwarded_count}.
     */
    public boolean betterThan(BackupKey other) {
        if (verified != other.verified) {
            return verified;
        }
        if (firstMessageIndex != other.firstMessageIndex) {
            return firstMessageIndex < other.firstMessageIndex;
        }
        return forwardedCount < other.forwardedCount;
    }
}
