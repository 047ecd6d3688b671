package dev.lattice.protocol.auth;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.event.EventSigning.ServerKeyId;
import java.util.Optional;
import java.util.function.Function;

/**
 * The signature checks the authorization rules need. The roomserver passes {@link #CHECKED_ON_RECEIPT} for PDUs that
 * went through {@link dev.lattice.protocol.event.EventSigning#verify}, or {@link #withKeys} otherwise; tests may
 * substitute either check.
 */
public record AuthVerifiers(ThirdPartyInviteVerifier thirdPartyInvites, ServerSignatureVerifier serverSignatures) {

    /**
     * Server signatures were checked on receipt; third-party invite signatures are never trusted. Good for tests
     * and rooms without third-party invites only.
     */
    public static final AuthVerifiers NO_THIRD_PARTY_INVITES =
            new AuthVerifiers(ThirdPartyInviteVerifier.REJECT_ALL, ServerSignatureVerifier.CHECKED_ON_RECEIPT);

    public AuthVerifiers {
        requireNonNull(thirdPartyInvites, "thirdPartyInvites is null");
        requireNonNull(serverSignatures, "serverSignatures is null");
    }

    /**
     * The real checks, for the roomserver: server signatures verified with {@code keys} (the key cache) and
     * third-party invites with {@link ThirdPartyInviteVerifier#ED25519}.
     */
    public static AuthVerifiers withKeys(Function<ServerKeyId, Optional<VerifyKey>> keys) {
        return new AuthVerifiers(ThirdPartyInviteVerifier.ED25519, ServerSignatureVerifier.withKeys(keys));
    }

    /**
     * For events whose signatures all passed {@link dev.lattice.protocol.event.EventSigning#verify} on receipt:
     * server signatures are not checked again; third-party invites are verified with
     * {@link ThirdPartyInviteVerifier#ED25519}.
     */
    public static final AuthVerifiers CHECKED_ON_RECEIPT =
            new AuthVerifiers(ThirdPartyInviteVerifier.ED25519, ServerSignatureVerifier.CHECKED_ON_RECEIPT);

    /** Server signatures were checked on receipt; third-party invites are verified by {@code verifier}. */
    public static AuthVerifiers of(ThirdPartyInviteVerifier verifier) {
        return new AuthVerifiers(verifier, ServerSignatureVerifier.CHECKED_ON_RECEIPT);
    }
}
