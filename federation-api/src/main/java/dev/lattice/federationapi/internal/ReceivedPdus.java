package dev.lattice.federationapi.internal;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.event.EventSigning;
import dev.lattice.protocol.event.EventSigning.ServerKeyId;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.event.PduException;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Steps 1–3 of the <a href="https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu">
 * checks on receipt</a>, done here because this service holds the remote keys: the room version's format, the
 * signatures of every server that must have signed, and the content hash, with the redacted event kept when the hash
 * does not match. The roomserver does the auth checks that follow (its {@code PduVerifier} relies on this).
 */
public final class ReceivedPdus {
    private static final Logger log = LoggerFactory.getLogger(ReceivedPdus.class);

    private final KeyRing keyRing;

    public ReceivedPdus(KeyRing keyRing) {
        this.keyRing = requireNonNull(keyRing, "keyRing is null");
    }

    /** Why a PDU failed the checks; it is dropped (the spec's "reject" for these steps: never stored). */
    public static final class RejectedPdu extends RuntimeException {
        RejectedPdu(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Checks {@code event} as a PDU of a room of version {@code rules}.
     *
     * @return the PDU, or its redacted form when its content hash does not match; fails with {@link RejectedPdu}
     */
    public Mono<Pdu> check(RoomVersionRules rules, JsonObject event) {
        Pdu pdu;
        Set<String> signers;
        try {
            pdu = Pdu.of(rules, event);
            signers = EventSigning.requiredSigners(rules, pdu.json());
        } catch (PduException | InvalidIdException e) {
            return Mono.error(new RejectedPdu("malformed event: " + e.getMessage()));
        }
        long validAt = rules.enforceKeyValidity() ? pdu.originServerTs() : 0;
        List<ServerKeyId> wanted = new ArrayList<>();
        for (String server : signers) {
            for (String keyId : JsonSigning.signaturesOf(pdu.json(), server).keySet()) {
                KeyId.tryParseEd25519(keyId).ifPresent(id -> wanted.add(new ServerKeyId(server, id)));
            }
        }
        Map<ServerKeyId, VerifyKey> keys = new ConcurrentHashMap<>();
        return Flux.fromIterable(wanted)
                .flatMap(
                        id -> keyRing.verifyKey(ServerName.parse(id.server()), id.keyId(), validAt)
                                .doOnNext(found -> found.ifPresent(k -> keys.put(id, k.key()))),
                        4)
                .then(Mono.fromCallable(() -> {
                    EventSigning.Verification verification =
                            EventSigning.verify(pdu, id -> Optional.ofNullable(keys.get(id)));
                    if (!verification.isValid()) {
                        throw new RejectedPdu("signature check failed for " + pdu.eventId() + ": "
                                + verification.failure().orElseThrow() + " "
                                + verification.server().orElse(""));
                    }
                    if (!pdu.contentHashCheck().matches()) {
                        log.info("{} has a wrong content hash: keeping its redacted form", pdu.eventId());
                        return pdu.redacted();
                    }
                    return pdu;
                }));
    }
}
