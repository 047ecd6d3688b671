package dev.lattice.clientapi.internal;

import dev.lattice.clientapi.config.ClientApiProperties;
import dev.lattice.protocol.spec.MatrixException;
import dev.lattice.runtime.ratelimit.TokenBucketLimiter;
import java.util.OptionalLong;

/**
 * Per-client-IP limits on login and on registration (including username and token checks), answered with
 * {@code 429 M_LIMIT_EXCEEDED} and {@code retry_after_ms}.
 */
public final class RateLimits {
    private final TokenBucketLimiter login;
    private final TokenBucketLimiter registration;

    public RateLimits(ClientApiProperties.RateLimits settings) {
        this.login = limiter(settings.login());
        this.registration = limiter(settings.registration());
    }

    private static TokenBucketLimiter limiter(ClientApiProperties.Limit limit) {
        return new TokenBucketLimiter(limit.perSecond(), limit.burst(), System::nanoTime);
    }

    /** Takes a login token for {@code ip}, or throws {@code 429}. */
    public void checkLogin(String ip) {
        check(login, ip);
    }

    /** Takes a registration token for {@code ip}, or throws {@code 429}. */
    public void checkRegistration(String ip) {
        check(registration, ip);
    }

    private static void check(TokenBucketLimiter limiter, String ip) {
        OptionalLong retryAfter = limiter.tryAcquire(ip == null ? "unknown" : ip);
        if (retryAfter.isPresent()) {
            throw MatrixException.limitExceeded("Too many requests", retryAfter.getAsLong());
        }
    }
}
