package dev.lattice.protocol.version;

/**
 * Which servers must have signed an event besides the sender's
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#validating-hashes-and-signatures-on-received-events">Validating
 * hashes and signatures</a>).
 *
 * @param checkEventIdServer versions 1–2: the server named in the {@code event_id} must have signed too
 * @param checkJoinAuthorisedViaUsersServer version 8+: a join with {@code join_authorised_via_users_server} must be
 *     signed by that user's server (<a href="https://spec.matrix.org/v1.19/rooms/v8/#authorization-rules">v8 rule
 *     4.2</a>)
 */
public record SignatureRules(boolean checkEventIdServer, boolean checkJoinAuthorisedViaUsersServer) {
    /** Versions 1–2. */
    public static final SignatureRules V1 = new SignatureRules(true, false);
    /** Versions 3–7. */
    public static final SignatureRules V3 = V1.withCheckEventIdServer(false);
    /** Version 8+. */
    public static final SignatureRules V8 = V3.withCheckJoinAuthorisedViaUsersServer(true);

    public SignatureRules withCheckEventIdServer(boolean value) {
        return new SignatureRules(value, checkJoinAuthorisedViaUsersServer);
    }

    public SignatureRules withCheckJoinAuthorisedViaUsersServer(boolean value) {
        return new SignatureRules(checkEventIdServer, value);
    }
}
