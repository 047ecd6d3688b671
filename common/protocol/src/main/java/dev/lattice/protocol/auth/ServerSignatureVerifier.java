package dev.lattice.protocol.auth;

import dev.lattice.protocol.event.RoomEvent;

/**
 * Answers whether an event carries a valid signature of a given server, for the restricted-join rule "If the event
 * is not validly signed by the homeserver of the user ID denoted by {@code join_authorised_via_users_server},
 * reject" (room version 8+). The PDU pipeline checks signatures before the auth rules; it can answer from that.
 */
@FunctionalInterface
public interface ServerSignatureVerifier {

    /** For callers whose signatures were all verified on receipt, e.g. state resolution over stored events. */
    ServerSignatureVerifier CHECKED_ON_RECEIPT = (event, serverName) -> true;

    boolean isSignedBy(RoomEvent event, String serverName);
}
