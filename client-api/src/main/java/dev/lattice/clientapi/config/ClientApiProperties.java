package dev.lattice.clientapi.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The client-api's settings, under {@code lattice.client-api} in {@code lattice.yaml}.
 *
 * @param registration who may create accounts, and how
 * @param bcryptCost the bcrypt cost factor (log2 rounds) for new password hashes; 12 takes about 0.25 s per hash
 * @param passwordPolicy what a new password must satisfy
 * @param rateLimits per-client-IP limits on login and registration
 * @param refreshableAccessTokenLifetime how long an access token issued with a refresh token lives
 */
@ConfigurationProperties("lattice.client-api")
public record ClientApiProperties(
        @DefaultValue Registration registration,
        @DefaultValue("12") int bcryptCost,
        @DefaultValue PasswordPolicy passwordPolicy,
        @DefaultValue RateLimits rateLimits,
        @DefaultValue("5m") Duration refreshableAccessTokenLifetime) {

    public ClientApiProperties {
        requireNonNull(registration, "registration is null");
        requireNonNull(passwordPolicy, "passwordPolicy is null");
        requireNonNull(rateLimits, "rateLimits is null");
        requireNonNull(refreshableAccessTokenLifetime, "refreshableAccessTokenLifetime is null");
        if (bcryptCost < 4 || bcryptCost > 31) {
            throw new IllegalArgumentException("lattice.client-api.bcrypt-cost must be 4..31: " + bcryptCost);
        }
    }

    /**
     * @param enabled whether {@code POST /register} creates accounts; when false it answers {@code 403 M_FORBIDDEN}
     * @param requiresToken whether registration needs one of {@code tokens} ({@code m.login.registration_token})
     * @param tokens the registration tokens accepted when {@code requiresToken}; each usable any number of times
     * @param sharedSecret the secret for {@code /_synapse/admin/v1/register}; empty turns that endpoint off
     */
    public record Registration(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("false") boolean requiresToken,
            @DefaultValue List<String> tokens,
            @DefaultValue("") String sharedSecret) {

        public Registration {
            tokens = List.copyOf(tokens);
            requireNonNull(sharedSecret, "sharedSecret is null");
        }

        public boolean sharedSecretEnabled() {
            return !sharedSecret.isEmpty();
        }
    }

    /** @param minLength the fewest characters a new password may have; 0 accepts any non-empty one */
    public record PasswordPolicy(@DefaultValue("0") int minLength) {}

    /** @param login limits {@code POST /login}; @param registration limits registration and username checks */
    public record RateLimits(
            @DefaultValue Limit login, @DefaultValue Limit registration) {}

    /**
     * A token bucket per client IP (Synapse's defaults: one request every 6 s, bursts of 3).
     *
     * @param perSecond how fast the bucket refills
     * @param burst how many requests a full bucket allows at once
     */
    public record Limit(
            @DefaultValue("0.17") double perSecond,
            @DefaultValue("3") int burst) {
        public Limit {
            if (perSecond <= 0 || burst < 1) {
                throw new IllegalArgumentException("a rate limit needs per-second > 0 and burst >= 1");
            }
        }
    }
}
