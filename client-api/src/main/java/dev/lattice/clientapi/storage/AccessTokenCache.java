package dev.lattice.clientapi.storage;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The owners of the access tokens looked up lately, so that the lookup every authenticated request makes (three per
 * message sent: the send and two long-polls) is not a statement each time.
 *
 * <p>Correctness rests on two rules. Every revocation drops the device's entries once it committed: {@link
 * ClientApiDatabase} does so for its own writes before it answers, and every client-api instance does so for the
 * others' writes when their {@code DevicesDeleted} or {@code AccessTokensRevoked} record arrives. And a lookup that
 * read the database before a revocation must not put its (now stale) answer in afterwards: {@link #put} takes the
 * {@link #generation} seen before the read and is ignored if any revocation came in between.
 *
 * <p>Only found tokens are kept: an unknown token (a typo, a logged-out client, a guess) is read every time, as before.
 */
final class AccessTokenCache {
    /** Tokens held; about 200 bytes each, so 10,000 take about 2 MB. Least recently used first out. */
    static final int TOKENS = 10_000;

    private final Map<ByteBuffer, StoredAccessToken> tokens = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, StoredAccessToken> eldest) {
            return size() > TOKENS;
        }
    };
    private long generation;

    synchronized Optional<StoredAccessToken> get(byte[] hash) {
        return Optional.ofNullable(tokens.get(ByteBuffer.wrap(hash)));
    }

    /** A stamp to pass to {@link #put}: read it before reading the database. */
    synchronized long generation() {
        return generation;
    }

    /** Keeps a token read from the database, unless a revocation happened since {@code seen}. */
    synchronized void put(byte[] hash, StoredAccessToken token, long seen) {
        if (seen == generation) {
            tokens.put(ByteBuffer.wrap(hash.clone()), token);
        }
    }

    /** Drops every token of these devices of the user (after their revocation committed). */
    synchronized void forget(String localpart, Collection<String> deviceIds) {
        generation++;
        tokens.values().removeIf(token -> token.localpart().equals(localpart) && deviceIds.contains(token.deviceId()));
    }
}
