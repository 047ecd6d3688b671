package dev.lattice.protocol.auth;

import static java.util.Objects.requireNonNull;

/**
 * The signature checks the authorization rules need, supplied by the caller because cryptography lives in the
 * {@code crypto} package.
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

    /** Server signatures were checked on receipt; third-party invites are verified by {@code verifier}. */
    public static AuthVerifiers of(ThirdPartyInviteVerifier verifier) {
        return new AuthVerifiers(verifier, ServerSignatureVerifier.CHECKED_ON_RECEIPT);
    }
}
