package dev.lattice.protocol.event;

import dev.lattice.protocol.crypto.Sha256;
import dev.lattice.protocol.crypto.UnpaddedBase64;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.RoomVersionRules;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Content hashes, reference hashes and event IDs
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#signing-events">Signing Events</a>).
 */
public final class EventHashing {
    private EventHashing() {}

    /**
     * The content hash: SHA-256 of the canonical JSON of the event without {@code unsigned}, {@code signatures} and
     * {@code hashes}. It covers the unredacted event.
     */
    public static byte[] contentHash(JsonObject event) {
        return Sha256.hash(CanonicalJson.encode(
                event.without("unsigned").without("signatures").without("hashes")));
    }

    /** A copy of {@code event} with {@code hashes.sha256} set to its content hash (other algorithms kept). */
    public static JsonObject withContentHash(JsonObject event) {
        String hash = UnpaddedBase64.encode(contentHash(event));
        JsonObject hashes = event.getObject("hashes").orElse(JsonObject.EMPTY);
        return event.with("hashes", hashes.with("sha256", JsonString.of(hash)));
    }

    /** Compares {@code hashes.sha256} with the event's content hash. */
    public static ContentHashCheck checkContentHash(JsonObject event) {
        var claimed = event.getObject("hashes").flatMap(h -> h.getString("sha256"));
        if (claimed.isEmpty()) {
            return ContentHashCheck.MISSING;
        }
        byte[] expected;
        try {
            expected = UnpaddedBase64.decode(claimed.get());
        } catch (IllegalArgumentException e) {
            return ContentHashCheck.MISSING;
        }
        if (expected.length != 32) {
            return ContentHashCheck.MISSING;
        }
        return MessageDigest.isEqual(expected, contentHash(event)) ? ContentHashCheck.MATCH : ContentHashCheck.MISMATCH;
    }

    /**
     * The reference hash: SHA-256 of the canonical JSON of the redacted event without {@code signatures} and
     * {@code unsigned}. ({@code age_ts} and every other non-essential top-level key are already gone with the
     * redaction.)
     */
    public static byte[] referenceHash(RoomVersionRules rules, JsonObject event) {
        return Sha256.hash(redactedSignedBytes(rules, event));
    }

    /**
     * The canonical JSON of the redacted event without {@code signatures} and {@code unsigned}: both what the
     * reference hash covers and what signatures cover ({@link dev.lattice.protocol.crypto.JsonSigning#signedBytes} of
     * the redacted event), so a {@link Pdu} computes it once for its event ID and its signature check.
     */
    static byte[] redactedSignedBytes(RoomVersionRules rules, JsonObject event) {
        return CanonicalJson.encode(
                Redaction.redact(rules, event).without("signatures").without("unsigned"));
    }

    /**
     * The event ID: the {@code event_id} field in room versions 1–2; {@code $} and the reference hash in standard
     * (version 3) or URL-safe (version 4+) unpadded base64.
     *
     * @throws PduException ({@link PduException.Reason#MISSING_FIELD}) for a version 1–2 event without an
     *     {@code event_id}
     */
    public static EventId eventId(RoomVersionRules rules, JsonObject event) {
        return eventId(rules, event, () -> redactedSignedBytes(rules, event));
    }

    /** As {@link #eventId(RoomVersionRules, JsonObject)}, with the {@link #redactedSignedBytes} supplied. */
    static EventId eventId(RoomVersionRules rules, JsonObject event, Supplier<byte[]> redactedSignedBytes) {
        return switch (rules.eventIdFormat()) {
            case V1_V2 -> {
                String id = event.getString("event_id")
                        .orElseThrow(() -> new PduException(PduException.Reason.MISSING_FIELD, "event_id is missing"));
                try {
                    yield EventId.parse(id);
                } catch (IllegalArgumentException e) {
                    throw new PduException(PduException.Reason.INVALID_ID, "event_id: " + e.getMessage());
                }
            }
            case V3 -> new EventId("$" + UnpaddedBase64.encode(Sha256.hash(redactedSignedBytes.get())));
            case V4_PLUS -> new EventId("$" + UnpaddedBase64.encodeUrlSafe(Sha256.hash(redactedSignedBytes.get())));
        };
    }

    /** The {@code {"sha256": ...}} object of version 1–2 event references, from the referenced event. */
    public static JsonObject referenceHashObject(RoomVersionRules rules, JsonObject referencedEvent) {
        return JsonObject.of(
                Map.of("sha256", JsonString.of(UnpaddedBase64.encode(referenceHash(rules, referencedEvent)))));
    }
}
