package dev.lattice.roomserver.internal.input;

import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.ServerName;
import java.util.Optional;

/**
 * Steps 2–3 of the checks on receipt: signatures and content hashes. A seam for federation, which plugs in a
 * verifier with the remote key cache; until then only this server's own events come in.
 */
@FunctionalInterface
public interface PduVerifier {

    /**
     * @param origin the server the event came from
     * @return why the event fails, empty when it passes
     */
    Optional<String> verify(Pdu pdu, ServerName origin);

    /**
     * Events this server built: they were signed here a moment ago, so signatures are not checked again; their content
     * hash must still match. Any other origin is refused until federation supplies a verifier.
     */
    static PduVerifier localOnly(ServerName serverName) {
        return (pdu, origin) -> {
            if (!origin.equals(serverName)) {
                return Optional.of("events from " + origin + " cannot be verified yet (no federation)");
            }
            if (!pdu.contentHashCheck().matches()) {
                return Optional.of("content hash does not match");
            }
            return Optional.empty();
        };
    }
}
