package dev.lattice.protocol.event;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.event.PduException.Reason;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.IdValidation;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.RoomIdFormat;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A room event as received or built, checked against its room version's event format, with its original bytes kept:
 * the bytes are what was hashed and signed, and typed views are read from the parsed {@link JsonObject}.
 *
 * <p>Parsing checks the format only (step 1 of the
 * <a href="https://spec.matrix.org/v1.19/server-server-api/#checks-performed-on-receipt-of-a-pdu">checks on
 * receipt</a>): required fields and their types, {@code type}/{@code state_key} ≤ 255 bytes, the whole PDU ≤ 65,536
 * bytes of canonical JSON, ≤ 20 {@code prev_events} and ≤ 10 {@code auth_events} (not for backfill), depth in
 * [0, 2^53−1], identifiers well formed. Signatures ({@link EventSigning}) and hashes ({@link #contentHashCheck()})
 * are the next steps, and the caller's.
 *
 * <p>NOTSPEC: the bytes must be strict canonical JSON in every room version. Versions 1–5 tolerate floats and
 * integers outside ±(2^53−1) (the "floaty power levels" fragment); such PDUs are refused here
 * ({@link PduException.Reason#NOT_JSON}) because the value model has no floats; such events are expected only in
 * old history of version 1–5 rooms. {@code AuthorizationRules.strictCanonicalJson()} records the difference.
 *
 * <pre>{@code
 * Pdu pdu = Pdu.parse(RoomVersionRules.V12, bytes);                 // throws PduException: drop the event
 * EventSigning.Verification sigs = EventSigning.verify(pdu, keys);  // invalid: drop the event
 * if (!pdu.contentHashCheck().matches()) pdu = pdu.redacted();      // hash mismatch: keep the redacted copy
 * }</pre>
 */
public final class Pdu implements RoomEvent {
    /** The most bytes of canonical JSON, signatures included, a PDU may have. */
    public static final int MAX_BYTES = 65_536;
    /** The most UTF-8 bytes in {@code type} and {@code state_key}. */
    public static final int MAX_TYPE_BYTES = 255;

    public static final int MAX_PREV_EVENTS = 20;
    public static final int MAX_AUTH_EVENTS = 10;

    private final RoomVersionRules rules;
    private final byte[] bytes;
    private final JsonObject json;
    private final String type;
    private final String sender;
    private final String roomId; // null for a version 12 create event until the event ID is known
    private final Optional<String> stateKey;
    private final JsonObject content;
    private final List<String> prevEvents;
    private final List<String> authEvents;
    private final long originServerTs;
    private final long depth;
    private volatile String eventId; // computed lazily from the reference hash (v3+)
    private volatile byte[] redactedSignedBytes; // shared by the event ID and the signature check

    private Pdu(RoomVersionRules rules, byte[] bytes, JsonObject json, boolean checkReferenceCounts) {
        this.rules = requireNonNull(rules, "rules is null");
        this.bytes = bytes;
        this.json = json;
        this.type = requireString("type");
        if (IdValidation.utf8Length(type) > MAX_TYPE_BYTES) {
            throw new PduException(Reason.TYPE_TOO_LONG, "type is over " + MAX_TYPE_BYTES + " bytes");
        }
        this.stateKey = optionalString("state_key");
        if (stateKey.isPresent() && IdValidation.utf8Length(stateKey.get()) > MAX_TYPE_BYTES) {
            throw new PduException(Reason.STATE_KEY_TOO_LONG, "state_key is over " + MAX_TYPE_BYTES + " bytes");
        }
        this.sender = requireString("sender");
        parseId("sender", () -> UserId.parse(sender));
        this.originServerTs = requireInteger("origin_server_ts");
        this.depth = requireInteger("depth");
        if (depth < 0) {
            throw new PduException(Reason.DEPTH_OUT_OF_RANGE, "depth " + depth + " is negative");
        }
        this.content = requireObject("content");
        JsonObject hashes = requireObject("hashes");
        if (!(hashes.members().get("sha256") instanceof JsonString)) {
            throw new PduException(Reason.MISSING_FIELD, "hashes.sha256 is missing or not a string");
        }
        JsonObject signatures = requireObject("signatures");
        for (CanonicalJsonValue forServer : signatures.members().values()) {
            if (!(forServer instanceof JsonObject o)
                    || !o.members().values().stream().allMatch(s -> s instanceof JsonString)) {
                throw new PduException(Reason.WRONG_TYPE, "signatures must map servers to objects of strings");
            }
        }
        if (json.has("unsigned") && !(json.members().get("unsigned") instanceof JsonObject)) {
            throw new PduException(Reason.WRONG_TYPE, "unsigned is not an object");
        }
        this.roomId = checkRoomId();
        if (rules.eventFormat().requireEventIdField()) {
            String id = requireString("event_id");
            parseId("event_id", () -> EventId.parse(id));
            this.eventId = id;
        }
        this.prevEvents = references(
                "prev_events", checkReferenceCounts ? MAX_PREV_EVENTS : Integer.MAX_VALUE, Reason.TOO_MANY_PREV_EVENTS);
        this.authEvents = references(
                "auth_events", checkReferenceCounts ? MAX_AUTH_EVENTS : Integer.MAX_VALUE, Reason.TOO_MANY_AUTH_EVENTS);
        if (!rules.eventFormat().redactsInContent() && json.has("redacts")) {
            String redacts = requireString("redacts");
            parseId("redacts", () -> EventId.parse(redacts));
        }
    }

    /**
     * Parses and checks a PDU received from another server or a client.
     *
     * @throws PduException if it does not meet the room version's event format
     */
    public static Pdu parse(RoomVersionRules rules, byte[] bytes) {
        return parse(rules, bytes, true);
    }

    /**
     * As {@link #parse}, without the {@code prev_events}/{@code auth_events} count limits, which the spec says must
     * not be applied to {@code /backfill} responses.
     */
    public static Pdu parseBackfilled(RoomVersionRules rules, byte[] bytes) {
        return parse(rules, bytes, false);
    }

    private static Pdu parse(RoomVersionRules rules, byte[] bytes, boolean checkReferenceCounts) {
        CanonicalJsonValue value;
        try {
            value = CanonicalJson.parse(bytes);
        } catch (CanonicalJsonException e) {
            throw new PduException(Reason.NOT_JSON, "not canonical JSON: " + e.getMessage(), e);
        }
        if (!(value instanceof JsonObject object)) {
            throw new PduException(Reason.NOT_AN_OBJECT, "a PDU is a JSON object");
        }
        // Canonical JSON is the shortest encoding, so input within the limit is always within it canonically.
        if (bytes.length > MAX_BYTES) {
            int canonicalLength = CanonicalJson.encode(object).length;
            if (canonicalLength > MAX_BYTES) {
                throw new PduException(Reason.TOO_LARGE, "PDU is " + canonicalLength + " bytes, over " + MAX_BYTES);
            }
        }
        return new Pdu(rules, bytes.clone(), object, checkReferenceCounts);
    }

    /**
     * A PDU from an already parsed object (an event this server built, or one read back from storage); its bytes are
     * the canonical encoding.
     *
     * @throws PduException if it does not meet the room version's event format
     */
    public static Pdu of(RoomVersionRules rules, JsonObject event) {
        byte[] bytes = CanonicalJson.encode(event);
        if (bytes.length > MAX_BYTES) {
            throw new PduException(Reason.TOO_LARGE, "PDU is " + bytes.length + " bytes, over " + MAX_BYTES);
        }
        return new Pdu(rules, bytes, event, true);
    }

    private interface IdParser {
        Object parse();
    }

    private static void parseId(String field, IdParser parser) {
        try {
            parser.parse();
        } catch (IllegalArgumentException e) {
            throw new PduException(Reason.INVALID_ID, field + ": " + e.getMessage());
        }
    }

    private CanonicalJsonValue require(String key) {
        CanonicalJsonValue value = json.members().get(key);
        if (value == null) {
            throw new PduException(Reason.MISSING_FIELD, key + " is missing");
        }
        return value;
    }

    private String requireString(String key) {
        if (require(key) instanceof JsonString s) {
            return s.value();
        }
        throw new PduException(Reason.WRONG_TYPE, key + " is not a string");
    }

    private long requireInteger(String key) {
        if (require(key) instanceof JsonInteger i) {
            return i.value();
        }
        throw new PduException(Reason.WRONG_TYPE, key + " is not an integer");
    }

    private JsonObject requireObject(String key) {
        if (require(key) instanceof JsonObject o) {
            return o;
        }
        throw new PduException(Reason.WRONG_TYPE, key + " is not an object");
    }

    private Optional<String> optionalString(String key) {
        CanonicalJsonValue value = json.members().get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof JsonString s) {
            return Optional.of(s.value());
        }
        throw new PduException(Reason.WRONG_TYPE, key + " is not a string");
    }

    private String checkRoomId() {
        boolean isCreate = type.equals("m.room.create")
                && stateKey.isPresent()
                && stateKey.get().isEmpty();
        if (isCreate && !rules.eventFormat().roomIdInCreateEvent()) {
            if (json.has("room_id")) {
                throw new PduException(
                        Reason.UNEXPECTED_FIELD, "a version " + rules.id() + " create event has no room_id");
            }
            return null;
        }
        String value = requireString("room_id");
        RoomId id;
        try {
            id = RoomId.parse(value);
        } catch (IllegalArgumentException e) {
            throw new PduException(Reason.INVALID_ID, "room_id: " + e.getMessage());
        }
        boolean hashFormat = rules.roomIdFormat() == RoomIdFormat.CREATE_EVENT_HASH;
        if (id.isCreateEventHash() != hashFormat) {
            throw new PduException(
                    Reason.INVALID_ID, "room_id " + value + " is not in room version " + rules.id() + "'s format");
        }
        return value;
    }

    private List<String> references(String key, int max, Reason tooMany) {
        if (!(require(key) instanceof JsonArray array)) {
            throw new PduException(Reason.WRONG_TYPE, key + " is not an array");
        }
        if (array.size() > max) {
            throw new PduException(tooMany, key + " has " + array.size() + " entries, over " + max);
        }
        List<String> ids = new ArrayList<>(array.size());
        for (CanonicalJsonValue item : array.values()) {
            CanonicalJsonValue idValue = item;
            if (rules.eventFormat().eventReferencesWithHashes()) {
                if (!(item instanceof JsonArray pair) || pair.size() != 2 || !(pair.get(1) instanceof JsonObject)) {
                    throw new PduException(Reason.WRONG_TYPE, key + " entries must be [event_id, {hashes}] pairs");
                }
                idValue = pair.get(0);
            }
            if (!(idValue instanceof JsonString s)) {
                throw new PduException(Reason.WRONG_TYPE, key + " entries must be event IDs");
            }
            parseId(key, () -> EventId.parse(s.value()));
            ids.add(s.value());
        }
        return List.copyOf(ids);
    }

    /** The room version rules this PDU was checked against. */
    public RoomVersionRules rules() {
        return rules;
    }

    /** The bytes as received (or the canonical encoding, for {@link #of}). A copy. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The whole event as parsed. */
    public JsonObject json() {
        return json;
    }

    /** Checks {@code hashes.sha256} against the event; on anything but a match, use {@link #redacted()}. */
    public ContentHashCheck contentHashCheck() {
        return EventHashing.checkContentHash(json);
    }

    /** This event redacted by its room version's algorithm. Its event ID is unchanged. */
    public Pdu redacted() {
        Pdu redacted = of(rules, Redaction.redact(rules, json));
        redacted.eventId = eventId();
        return redacted;
    }

    /**
     * The canonical JSON of the redacted event without {@code signatures} and {@code unsigned}, computed once: the
     * reference hash and every signature cover these bytes. Not copied: callers in this package must not change it.
     */
    byte[] redactedSignedBytes() {
        byte[] result = redactedSignedBytes;
        if (result == null) {
            result = EventHashing.redactedSignedBytes(rules, json);
            redactedSignedBytes = result; // benign race: every thread computes the same bytes
        }
        return result;
    }

    /** The event ID as a typed value. */
    public EventId id() {
        return new EventId(eventId());
    }

    @Override
    public String eventId() {
        String id = eventId;
        if (id == null) {
            id = EventHashing.eventId(rules, json, this::redactedSignedBytes).value();
            eventId = id; // benign race: every thread computes the same value
        }
        return id;
    }

    @Override
    public String roomId() {
        return roomId != null ? roomId : "!" + eventId().substring(1);
    }

    @Override
    public String sender() {
        return sender;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Optional<String> stateKey() {
        return stateKey;
    }

    @Override
    public JsonObject content() {
        return content;
    }

    @Override
    public List<String> prevEvents() {
        return prevEvents;
    }

    @Override
    public List<String> authEvents() {
        return authEvents;
    }

    @Override
    public long originServerTs() {
        return originServerTs;
    }

    @Override
    public long depth() {
        return depth;
    }

    @Override
    public Optional<String> redacts() {
        if (!type.equals("m.room.redaction")) {
            return Optional.empty();
        }
        return rules.eventFormat().redactsInContent() ? content.getString("redacts") : json.getString("redacts");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pdu other && rules.equals(other.rules) && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Pdu[" + eventId() + " " + type
                + (stateKey.map(k -> " '" + k + "'").orElse("")) + "]";
    }
}
