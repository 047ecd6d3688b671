package dev.lattice.protocol.event;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SignatureCheck;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.IdValidation;
import dev.lattice.protocol.id.InvalidIdException;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Signing events and checking their signatures
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#signing-events">Signing Events</a>): a signature covers
 * the redacted event, hashes included, so it survives redaction.
 *
 * <pre>{@code
 * JsonObject signed = EventSigning.sign(rules, event, "example.org", signingKey);   // adds hashes, then signs
 * Set<String> servers = EventSigning.requiredSigners(rules, signed);                // who must have signed
 * EventSigning.Verification v = EventSigning.verify(rules, signed, keyring::lookup);
 * }</pre>
 */
public final class EventSigning {
    private EventSigning() {}

    /** A server's key, as asked of the key lookup. */
    public record ServerKeyId(String server, KeyId keyId) {
        public ServerKeyId {
            requireNonNull(server, "server is null");
            requireNonNull(keyId, "keyId is null");
        }
    }

    /** Why an event's signatures were refused. */
    public enum Failure {
        /** A required server has no entry in {@code signatures}. */
        MISSING_SIGNATURE,
        /** None of a required server's signing keys could be found (or all had expired before the event). */
        NO_KNOWN_KEY,
        /** A signature is not base64 of 64 bytes. */
        MALFORMED_SIGNATURE,
        /** A signature by a known key does not verify. */
        BAD_SIGNATURE,
        /** The sender (or another ID naming a required server) is malformed. */
        INVALID_SERVER
    }

    /**
     * The outcome of {@link #verify}.
     *
     * @param failure empty if every required server's signatures verified
     * @param server the server whose signature failed, if any
     */
    public record Verification(Optional<Failure> failure, Optional<String> server) {
        static final Verification VALID = new Verification(Optional.empty(), Optional.empty());

        public Verification {
            requireNonNull(failure, "failure is null");
            requireNonNull(server, "server is null");
        }

        static Verification failed(Failure failure, String server) {
            return new Verification(Optional.of(failure), Optional.ofNullable(server));
        }

        public boolean isValid() {
            return failure.isEmpty();
        }
    }

    /**
     * Hashes and signs {@code event} as {@code server}: sets {@code hashes.sha256} to the content hash, signs the
     * redacted event, and copies the signature into the full event's {@code signatures} (existing ones kept).
     */
    public static JsonObject sign(RoomVersionRules rules, JsonObject event, String server, SigningKey key) {
        JsonObject hashed = EventHashing.withContentHash(event);
        JsonObject signedRedacted = JsonSigning.sign(Redaction.redact(rules, hashed), server, key);
        String signature =
                JsonSigning.signaturesOf(signedRedacted, server).get(key.keyId().value());
        return JsonSigning.withSignature(hashed, server, key.keyId().value(), signature);
    }

    /**
     * The servers that must have signed {@code event}: the sender's server (except for an invite made from a third-party
     * invite, which another server may send on the sender's behalf); in room versions 1–2 also the server in the
     * {@code event_id}; from version 8, for an {@code m.room.member} event whose content has
     * {@code join_authorised_via_users_server}, that user's server.
     *
     * <p>The last rule is authorization rule 4.2 of
     * <a href="https://spec.matrix.org/v1.19/rooms/v8/#authorization-rules">v8</a> (5.2 of v12), which applies to
     * every membership, not only joins (Synapse checks joins only). Requiring it here, with the same condition as the
     * auth rules, is what makes {@code ServerSignatureVerifier.CHECKED_ON_RECEIPT} sound.
     *
     * @throws InvalidIdException if an ID naming a server is malformed (a parsed {@link Pdu} never has one)
     */
    public static Set<String> requiredSigners(RoomVersionRules rules, JsonObject event) {
        Set<String> servers = new LinkedHashSet<>();
        String type = event.getString("type").orElse("");
        JsonObject content = event.getObject("content").orElse(JsonObject.EMPTY);
        String membership = content.getString("membership").orElse("");
        boolean isMember = type.equals("m.room.member");
        boolean thirdPartyInvite = isMember && membership.equals("invite") && content.has("third_party_invite");
        if (!thirdPartyInvite) {
            servers.add(UserId.parse(event.getString("sender").orElse(""))
                    .serverName()
                    .value());
        }
        if (rules.signatures().checkEventIdServer()) {
            event.getString("event_id")
                    .map(EventId::parse)
                    .flatMap(EventId::serverName)
                    .ifPresent(s -> servers.add(s.value()));
        }
        if (rules.signatures().checkJoinAuthorisedViaUsersServer()
                && isMember
                && content.has("join_authorised_via_users_server")) {
            String authoriser = content.getString("join_authorised_via_users_server")
                    .orElseThrow(() -> new InvalidIdException(
                            IdValidation.Reason.EMPTY, "join_authorised_via_users_server is not a string"));
            servers.add(UserId.parse(authoriser).serverName().value());
        }
        return servers;
    }

    /** {@link #verify(RoomVersionRules, JsonObject, Function)} for a parsed PDU. */
    public static Verification verify(Pdu pdu, Function<ServerKeyId, Optional<VerifyKey>> keys) {
        return verify(pdu.rules(), pdu.json(), pdu.redactedSignedBytes(), keys);
    }

    /**
     * Checks that every {@link #requiredSigners required server} signed the redacted event. For each server, every
     * {@code ed25519} signature whose key {@code keys} knows must verify, and at least one must; signatures by
     * unknown keys, other algorithms, and (from room version 5) keys whose {@code valid_until_ts} is before the
     * event's {@code origin_server_ts} are skipped.
     */
    public static Verification verify(
            RoomVersionRules rules, JsonObject event, Function<ServerKeyId, Optional<VerifyKey>> keys) {
        return verify(rules, event, EventHashing.redactedSignedBytes(rules, event), keys);
    }

    private static Verification verify(
            RoomVersionRules rules,
            JsonObject event,
            byte[] signedBytes,
            Function<ServerKeyId, Optional<VerifyKey>> keys) {
        Set<String> servers;
        try {
            servers = requiredSigners(rules, event);
        } catch (InvalidIdException e) {
            return Verification.failed(Failure.INVALID_SERVER, null);
        }
        for (String server : servers) {
            Verification verification = verifyServer(rules, event, signedBytes, server, keys);
            if (!verification.isValid()) {
                return verification;
            }
        }
        return Verification.VALID;
    }

    /**
     * Checks the signatures of one {@code server} on {@code pdu}, by the same rules as {@link #verify}; for the auth
     * rule on {@code join_authorised_via_users_server} when signatures were not all checked on receipt.
     */
    public static Verification verifyServer(Pdu pdu, String server, Function<ServerKeyId, Optional<VerifyKey>> keys) {
        return verifyServer(pdu.rules(), pdu.json(), pdu.redactedSignedBytes(), server, keys);
    }

    private static Verification verifyServer(
            RoomVersionRules rules,
            JsonObject event,
            byte[] signedBytes,
            String server,
            Function<ServerKeyId, Optional<VerifyKey>> keys) {
        long originServerTs = event.getInteger("origin_server_ts").orElse(0L);
        Map<String, String> signatures = JsonSigning.signaturesOf(event, server);
        if (signatures.isEmpty()) {
            return Verification.failed(Failure.MISSING_SIGNATURE, server);
        }
        int verified = 0;
        for (Map.Entry<String, String> entry : signatures.entrySet()) {
            Optional<KeyId> keyId = KeyId.tryParseEd25519(entry.getKey());
            if (keyId.isEmpty()) {
                continue;
            }
            Optional<VerifyKey> key = keys.apply(new ServerKeyId(server, keyId.get()));
            if (key.isEmpty() || (rules.enforceKeyValidity() && key.get().validUntilTs() < originServerTs)) {
                continue;
            }
            SignatureCheck check = JsonSigning.verifySignature(signedBytes, entry.getValue(), key.get());
            switch (check) {
                case VALID -> verified++;
                case MALFORMED_SIGNATURE -> {
                    return Verification.failed(Failure.MALFORMED_SIGNATURE, server);
                }
                case BAD_SIGNATURE, NO_SIGNATURES, MISSING_ENTITY, MISSING_KEY_ID -> {
                    return Verification.failed(Failure.BAD_SIGNATURE, server);
                }
            }
        }
        if (verified == 0) {
            return Verification.failed(Failure.NO_KNOWN_KEY, server);
        }
        return Verification.VALID;
    }
}
