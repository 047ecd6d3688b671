package dev.lattice.protocol.auth;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.event.EventSigning;
import dev.lattice.protocol.event.EventSigning.ServerKeyId;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.event.RoomEvent;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers whether an event carries a valid signature of a given server, for the restricted-join rule "If the event
 * is not validly signed by the homeserver of the user ID denoted by {@code join_authorised_via_users_server},
 * reject" (room version 8+).
 *
 * <p>{@link EventSigning#requiredSigners} lists that server under the same condition as the auth rules (any
 * {@code m.room.member} with the key, from version 8), so a PDU whose signatures passed {@link EventSigning#verify}
 * on receipt can use {@link #CHECKED_ON_RECEIPT}; anything else uses {@link #withKeys}.
 */
@FunctionalInterface
public interface ServerSignatureVerifier {

    /** For events whose signatures were all verified on receipt by {@link EventSigning#verify}. */
    ServerSignatureVerifier CHECKED_ON_RECEIPT = (event, serverName) -> true;

    boolean isSignedBy(RoomEvent event, String serverName);

    /**
     * Verifies the server's signatures with {@link EventSigning#verifyServer}, keys from {@code keys} (the key cache).
     * An event that is not a {@link Pdu} has no signatures to check and is refused.
     */
    static ServerSignatureVerifier withKeys(Function<ServerKeyId, Optional<VerifyKey>> keys) {
        requireNonNull(keys, "keys is null");
        return (event, serverName) -> event instanceof Pdu pdu
                && EventSigning.verifyServer(pdu, serverName, keys).isValid();
    }
}
