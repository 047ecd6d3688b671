package dev.lattice.roomserver.internal.input;

import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.ServerName;
import java.util.Optional;

/** Steps 2–3 of the checks on receipt: signatures and content hashes. */
@FunctionalInterface
public interface PduVerifier {

    /**
     * @param origin the server the event came from
     * @return why the event fails, empty when it passes
     */
    Optional<String> verify(Pdu pdu, ServerName origin);

    /**
     * Where each event's signatures were checked before it reached the roomserver.
     *
     * <ul>
     *   <li>Events this server built were signed here a moment ago, so their signatures are not checked again; their
     *       content hash must still match.
     *   <li>Events from other servers reach {@code roomserver.input} only through the federation-api. It verified
     *       every required signature with the remote keys before submitting them. It also replaced an event whose
     *       content hash did not match by its redacted form, whose hash cannot match, so the hash is not checked
     *       again here.
     * </ul>
     */
    static PduVerifier checkedBeforeInput(ServerName serverName) {
        return (pdu, origin) -> {
            if (origin.equals(serverName) && !pdu.contentHashCheck().matches()) {
                return Optional.of("content hash does not match");
            }
            return Optional.empty();
        };
    }
}
