package dev.lattice.protocol.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.event.PduException.Reason;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonException;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PduTest {
    static final SigningKey KEY = EventVectorsTest.KEY;
    static final ServerName ORIGIN = ServerName.parse("example.org");
    static final UserId ALICE = UserId.parse("@alice:example.org");
    static final RoomId ROOM = RoomId.parse("!room:example.org");

    static JsonObject message(RoomVersionRules rules) {
        return EventBuilder.forVersion(rules)
                .type("m.room.message")
                .sender(ALICE)
                .roomId(ROOM)
                .content(new JsonObjectBuilder()
                        .put("msgtype", "m.text")
                        .put("body", "hello")
                        .build())
                .prevEvents(List.of(EventId.parse("$prev")))
                .authEvents(List.of(EventId.parse("$auth")))
                .depth(5)
                .originServerTs(1_700_000_000_000L)
                .sign(ORIGIN, KEY)
                .json();
    }

    private static void assertRefused(RoomVersionRules rules, JsonObject event, Reason reason) {
        byte[] bytes = CanonicalJson.encode(event);
        assertThatThrownBy(() -> Pdu.parse(rules, bytes))
                .isInstanceOf(PduException.class)
                .extracting(e -> ((PduException) e).reason())
                .isEqualTo(reason);
    }

    @Test
    void parsesAndExposesTheRoomEventView() {
        JsonObject json = message(RoomVersionRules.V10);
        Pdu pdu = Pdu.parse(RoomVersionRules.V10, CanonicalJson.encode(json));
        assertThat(pdu.type()).isEqualTo("m.room.message");
        assertThat(pdu.sender()).isEqualTo(ALICE.value());
        assertThat(pdu.roomId()).isEqualTo(ROOM.value());
        assertThat(pdu.stateKey()).isEmpty();
        assertThat(pdu.isState()).isFalse();
        assertThat(pdu.prevEvents()).containsExactly("$prev");
        assertThat(pdu.authEvents()).containsExactly("$auth");
        assertThat(pdu.depth()).isEqualTo(5);
        assertThat(pdu.originServerTs()).isEqualTo(1_700_000_000_000L);
        assertThat(pdu.content().getString("body")).contains("hello");
        assertThat(pdu.eventId()).startsWith("$").hasSize(44).doesNotContain("+", "/");
        assertThat(pdu.contentHashCheck()).isEqualTo(ContentHashCheck.MATCH);
    }

    @Test
    void keepsTheOriginalBytes() {
        String pretty =
                CanonicalJson.encodeToString(message(RoomVersionRules.V10)).replace(",", ",\n  ");
        Pdu pdu = Pdu.parse(RoomVersionRules.V10, pretty.getBytes(UTF_8));
        assertThat(new String(pdu.bytes(), UTF_8)).isEqualTo(pretty);
    }

    @Test
    void refusesMissingAndMistypedFields() {
        JsonObject ok = message(RoomVersionRules.V10);
        for (String field : new String[] {
            "type",
            "sender",
            "content",
            "depth",
            "origin_server_ts",
            "hashes",
            "signatures",
            "prev_events",
            "auth_events",
            "room_id"
        }) {
            assertRefused(RoomVersionRules.V10, ok.without(field), Reason.MISSING_FIELD);
        }
        assertRefused(RoomVersionRules.V10, ok.with("depth", JsonString.of("5")), Reason.WRONG_TYPE);
        assertRefused(RoomVersionRules.V10, ok.with("content", JsonString.of("x")), Reason.WRONG_TYPE);
        assertRefused(RoomVersionRules.V10, ok.with("state_key", JsonInteger.of(1)), Reason.WRONG_TYPE);
        assertRefused(RoomVersionRules.V10, ok.with("unsigned", JsonInteger.of(1)), Reason.WRONG_TYPE);
        assertRefused(RoomVersionRules.V10, ok.with("sender", JsonString.of("alice")), Reason.INVALID_ID);
        assertRefused(RoomVersionRules.V10, ok.with("room_id", JsonString.of("room")), Reason.INVALID_ID);
        assertRefused(RoomVersionRules.V10, ok.with("hashes", JsonObject.EMPTY), Reason.MISSING_FIELD);
        // v1-2 need event_id, v3+ a plain list of IDs.
        assertRefused(RoomVersionRules.V1, ok, Reason.MISSING_FIELD);
    }

    @Test
    void enforcesSizeLimits() {
        JsonObject ok = message(RoomVersionRules.V10);
        assertRefused(RoomVersionRules.V10, ok.with("type", JsonString.of("t".repeat(256))), Reason.TYPE_TOO_LONG);
        assertThat(Pdu.of(RoomVersionRules.V10, ok.with("type", JsonString.of("t".repeat(255))))
                        .type())
                .hasSize(255);
        assertRefused(
                RoomVersionRules.V10, ok.with("state_key", JsonString.of("é".repeat(128))), Reason.STATE_KEY_TOO_LONG);
        JsonObject big = ok.with(
                "content",
                new JsonObjectBuilder().put("body", "x".repeat(Pdu.MAX_BYTES)).build());
        assertRefused(RoomVersionRules.V10, big, Reason.TOO_LARGE);
        // Whitespace does not count: the limit is on canonical JSON.
        String padded = CanonicalJson.encodeToString(ok).replace(",", "," + " ".repeat(20_000));
        assertThat(padded.length()).isGreaterThan(Pdu.MAX_BYTES);
        assertThat(Pdu.parse(RoomVersionRules.V10, padded.getBytes(UTF_8)).type())
                .isEqualTo("m.room.message");
    }

    @Test
    void limitsPrevAndAuthEventsExceptForBackfill() {
        List<EventId> many = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            many.add(EventId.parse("$e" + i));
        }
        EventBuilder b = EventBuilder.forVersion(RoomVersionRules.V10)
                .type("m.room.message")
                .sender(ALICE)
                .roomId(ROOM)
                .depth(1)
                .originServerTs(1);
        JsonObject tooManyPrev = b.prevEvents(many)
                .build(ORIGIN)
                .with("hashes", JsonObject.of(java.util.Map.of("sha256", JsonString.of("x"))));
        assertRefused(RoomVersionRules.V10, tooManyPrev, Reason.TOO_MANY_PREV_EVENTS);
        assertThat(Pdu.parseBackfilled(RoomVersionRules.V10, CanonicalJson.encode(tooManyPrev))
                        .prevEvents())
                .hasSize(21);
        JsonObject tooManyAuth = b.prevEvents(List.of())
                .authEvents(many.subList(0, 11))
                .build(ORIGIN)
                .with("hashes", JsonObject.of(java.util.Map.of("sha256", JsonString.of("x"))));
        assertRefused(RoomVersionRules.V10, tooManyAuth, Reason.TOO_MANY_AUTH_EVENTS);
    }

    @Test
    void refusesDepthOutOfRange() {
        JsonObject ok = message(RoomVersionRules.V10);
        assertRefused(RoomVersionRules.V10, ok.with("depth", JsonInteger.of(-1)), Reason.DEPTH_OUT_OF_RANGE);
        assertThat(Pdu.of(RoomVersionRules.V10, ok.with("depth", JsonInteger.of(JsonInteger.MAX_SAFE_INTEGER)))
                        .depth())
                .isEqualTo(JsonInteger.MAX_SAFE_INTEGER);
        String tooDeep = CanonicalJson.encodeToString(ok).replace("\"depth\":5", "\"depth\":9007199254740992");
        assertThatThrownBy(() -> Pdu.parse(RoomVersionRules.V10, tooDeep.getBytes(UTF_8)))
                .isInstanceOf(PduException.class)
                .satisfies(e -> {
                    assertThat(((PduException) e).reason()).isEqualTo(Reason.NOT_JSON);
                    assertThat(((CanonicalJsonException) e.getCause()).reason())
                            .isEqualTo(CanonicalJsonException.Reason.INTEGER_OUT_OF_RANGE);
                });
    }

    @Test
    void refusesFloatsAndDuplicateKeys() {
        String json = CanonicalJson.encodeToString(message(RoomVersionRules.V10));
        assertThatThrownBy(() -> Pdu.parse(
                        RoomVersionRules.V10,
                        json.replace("\"depth\":5", "\"depth\":5.0").getBytes(UTF_8)))
                .extracting(e -> ((PduException) e).reason())
                .isEqualTo(Reason.NOT_JSON);
        assertThatThrownBy(() -> Pdu.parse(
                        RoomVersionRules.V10,
                        json.replace("\"depth\":5", "\"depth\":5,\"depth\":6").getBytes(UTF_8)))
                .extracting(e -> ((PduException) e).reason())
                .isEqualTo(Reason.NOT_JSON);
        assertThatThrownBy(() -> Pdu.parse(RoomVersionRules.V10, "[]".getBytes(UTF_8)))
                .extracting(e -> ((PduException) e).reason())
                .isEqualTo(Reason.NOT_AN_OBJECT);
    }

    @Test
    void detectsABadContentHashAsAResult() {
        JsonObject ok = message(RoomVersionRules.V10);
        JsonObject tampered =
                ok.with("content", new JsonObjectBuilder().put("body", "evil").build());
        Pdu pdu = Pdu.of(RoomVersionRules.V10, tampered);
        assertThat(pdu.contentHashCheck()).isEqualTo(ContentHashCheck.MISMATCH);
        // Content is not covered by the signature, so the signature still verifies; the caller redacts.
        assertThat(EventSigning.verify(pdu, k -> Optional.of(KEY.verifyKey())).isValid())
                .isTrue();
        Pdu redacted = pdu.redacted();
        assertThat(redacted.content()).isEqualTo(JsonObject.EMPTY);
        assertThat(redacted.eventId())
                .isEqualTo(pdu.eventId())
                .isEqualTo(Pdu.of(RoomVersionRules.V10, ok).eventId());
        assertThat(Pdu.of(
                                RoomVersionRules.V10,
                                ok.with(
                                        "hashes",
                                        JsonObject.of(java.util.Map.of("sha256", JsonString.of("not base64!")))))
                        .contentHashCheck())
                .isEqualTo(ContentHashCheck.MISSING);
    }

    @Test
    void version1EventsUseReferencePairsAndTheirOwnEventId() {
        Pdu pdu = EventBuilder.forVersion(RoomVersionRules.V1)
                .type("m.room.message")
                .sender(ALICE)
                .roomId(ROOM)
                .prevEvents(List.of(EventId.parse("$p:example.org")))
                .authEvents(List.of())
                .eventId(EventId.parse("$abc:example.org"))
                .depth(2)
                .originServerTs(3)
                .sign(ORIGIN, KEY);
        assertThat(pdu.eventId()).isEqualTo("$abc:example.org");
        assertThat(pdu.prevEvents()).containsExactly("$p:example.org");
        assertThat(CanonicalJson.encodeToString(pdu.json().get("prev_events").get()))
                .isEqualTo("[[\"$p:example.org\",{}]]");
        // A v3+ list of plain IDs is not a v1 event.
        assertRefused(
                RoomVersionRules.V1,
                message(RoomVersionRules.V10).with("event_id", JsonString.of("$x:example.org")),
                Reason.WRONG_TYPE);
    }

    @Test
    void version12CreateEventsHaveNoRoomIdAndDefineIt() {
        Pdu create = EventBuilder.forVersion(RoomVersionRules.V12)
                .type("m.room.create")
                .stateKey("")
                .sender(ALICE)
                .content(new JsonObjectBuilder().put("room_version", "12").build())
                .depth(1)
                .originServerTs(1)
                .sign(ORIGIN, KEY);
        assertThat(create.json().has("room_id")).isFalse();
        assertThat(create.roomId()).isEqualTo("!" + create.eventId().substring(1));
        RoomId roomId = RoomId.parse(create.roomId());
        assertThat(roomId.serverName()).isEmpty();

        Pdu message = EventBuilder.forVersion(RoomVersionRules.V12)
                .type("m.room.message")
                .sender(ALICE)
                .roomId(roomId)
                .prevEvents(List.of(create.id()))
                .depth(2)
                .originServerTs(2)
                .sign(ORIGIN, KEY);
        assertThat(message.roomId()).isEqualTo(roomId.value());

        assertRefused(
                RoomVersionRules.V12,
                create.json().with("room_id", JsonString.of(roomId.value())),
                Reason.UNEXPECTED_FIELD);
        assertRefused(
                RoomVersionRules.V12, message.json().with("room_id", JsonString.of(ROOM.value())), Reason.INVALID_ID);
        assertRefused(RoomVersionRules.V11, message.json(), Reason.INVALID_ID);
    }

    @Test
    void redactsLivesWhereTheVersionPutsIt() {
        EventId target = EventId.parse("$target");
        Pdu v10 = EventBuilder.forVersion(RoomVersionRules.V10)
                .type("m.room.redaction")
                .sender(ALICE)
                .roomId(ROOM)
                .redacts(target)
                .depth(1)
                .originServerTs(1)
                .sign(ORIGIN, KEY);
        assertThat(v10.json().getString("redacts")).contains("$target");
        assertThat(v10.redacts()).contains("$target");
        Pdu v11 = EventBuilder.forVersion(RoomVersionRules.V11)
                .type("m.room.redaction")
                .sender(ALICE)
                .roomId(ROOM)
                .redacts(target)
                .depth(1)
                .originServerTs(1)
                .sign(ORIGIN, KEY);
        assertThat(v11.json().has("redacts")).isFalse();
        assertThat(v11.content().getString("redacts")).contains("$target");
        assertThat(v11.redacts()).contains("$target");
    }
}
