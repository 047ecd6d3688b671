package dev.lattice.clientapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.clientapi.storage.NewSession;
import dev.lattice.clientapi.storage.NewTokens;
import java.time.Duration;

/**
 * Mints access and refresh tokens: the raw tokens go to the client once, their hashes to the database. Tokens
 * issued with a refresh token expire after the configured lifetime; tokens without one never expire.
 */
public final class TokenIssuer {
    private final Duration refreshableLifetime;

    public TokenIssuer(Duration refreshableLifetime) {
        this.refreshableLifetime = requireNonNull(refreshableLifetime, "refreshableLifetime is null");
    }

    /** A fresh token pair (refresh token only when {@code withRefresh}). */
    public Minted mint(boolean withRefresh, long now) {
        String access = Secrets.newToken();
        if (!withRefresh) {
            return new Minted(access, null, null, new NewTokens(Secrets.sha256(access), null, null));
        }
        String refresh = Secrets.newToken();
        long lifetime = refreshableLifetime.toMillis();
        return new Minted(
                access,
                refresh,
                lifetime,
                new NewTokens(Secrets.sha256(access), Secrets.sha256(refresh), now + lifetime));
    }

    /**
     * Freshly minted tokens.
     *
     * @param refreshToken null without refresh
     * @param expiresInMs null without refresh
     * @param hashes what to store
     */
    public record Minted(String accessToken, String refreshToken, Long expiresInMs, NewTokens hashes) {
        public Minted {
            requireNonNull(accessToken, "accessToken is null");
            requireNonNull(hashes, "hashes is null");
        }

        public NewSession session(String deviceId, String displayName, String ip) {
            return new NewSession(deviceId, displayName, ip, hashes);
        }

        public IssuedSession answer(String userId, String deviceId, String homeServer) {
            return new IssuedSession(userId, accessToken, deviceId, homeServer, refreshToken, expiresInMs);
        }
    }
}
