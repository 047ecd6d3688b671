package dev.lattice.protocol.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.event.EventSigning.Failure;
import dev.lattice.protocol.event.EventSigning.ServerKeyId;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.KeyId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class EventSigningTest {
    static final SigningKey EXAMPLE = SigningKey.generate("a");
    static final SigningKey OTHER = SigningKey.generate("b");
    static final Map<ServerKeyId, VerifyKey> KEYS = Map.of(
            new ServerKeyId("example.org", EXAMPLE.keyId()), EXAMPLE.verifyKey(),
            new ServerKeyId("other.org", OTHER.keyId()), OTHER.verifyKey());
    static final Function<ServerKeyId, Optional<VerifyKey>> LOOKUP = k -> Optional.ofNullable(KEYS.get(k));

    static Pdu message(RoomVersionRules rules) {
        return EventBuilder.forVersion(rules)
                .type("m.room.message")
                .sender(UserId.parse("@alice:example.org"))
                .roomId(RoomId.parse("!r:example.org"))
                .depth(1)
                .originServerTs(1000)
                .content(new JsonObjectBuilder().put("body", "hi").build())
                .sign(ServerName.parse("example.org"), EXAMPLE);
    }

    @Test
    void verifiesTheSendersSignature() {
        Pdu pdu = message(RoomVersionRules.V10);
        assertThat(EventSigning.requiredSigners(RoomVersionRules.V10, pdu.json()))
                .containsExactly("example.org");
        assertThat(EventSigning.verify(pdu, LOOKUP).isValid()).isTrue();
    }

    @Test
    void rejectsWrongAndTamperedSignatures() {
        Pdu pdu = message(RoomVersionRules.V10);
        // Signed by someone else's key under the sender's name.
        JsonObject forged = EventSigning.sign(
                RoomVersionRules.V10,
                pdu.json().without("signatures"),
                "example.org",
                SigningKey.fromSeed(EXAMPLE.keyId(), new byte[32]));
        var v = EventSigning.verify(RoomVersionRules.V10, forged, LOOKUP);
        assertThat(v.failure()).contains(Failure.BAD_SIGNATURE);
        assertThat(v.server()).contains("example.org");
        // An essential field changed after signing.
        JsonObject tampered = pdu.json().with("sender", JsonString.of("@mallory:example.org"));
        assertThat(EventSigning.verify(RoomVersionRules.V10, tampered, LOOKUP).failure())
                .contains(Failure.BAD_SIGNATURE);
        // Hashes are covered by the signature too.
        JsonObject rehashed = EventHashing.withContentHash(pdu.json().with("content", JsonObject.EMPTY));
        assertThat(EventSigning.verify(RoomVersionRules.V10, rehashed, LOOKUP).failure())
                .contains(Failure.BAD_SIGNATURE);
    }

    @Test
    void reportsMissingSignaturesAndUnknownKeys() {
        Pdu pdu = message(RoomVersionRules.V10);
        assertThat(EventSigning.verify(RoomVersionRules.V10, pdu.json().with("signatures", JsonObject.EMPTY), LOOKUP)
                        .failure())
                .contains(Failure.MISSING_SIGNATURE);
        assertThat(EventSigning.verify(pdu, k -> Optional.empty()).failure()).contains(Failure.NO_KNOWN_KEY);
    }

    @Test
    void enforcesKeyValidityFromVersion5() {
        VerifyKey expired = new VerifyKey(EXAMPLE.keyId(), EXAMPLE.verifyKey().publicKey(), 999);
        Function<ServerKeyId, Optional<VerifyKey>> lookup = k -> Optional.of(expired);
        assertThat(EventSigning.verify(message(RoomVersionRules.V5), lookup).failure())
                .contains(Failure.NO_KNOWN_KEY);
        assertThat(EventSigning.verify(message(RoomVersionRules.V4), lookup).isValid())
                .isTrue();
    }

    @Test
    void versions1And2NeedTheEventIdServerToo() {
        Pdu pdu = EventBuilder.forVersion(RoomVersionRules.V2)
                .type("m.room.message")
                .sender(UserId.parse("@alice:example.org"))
                .roomId(RoomId.parse("!r:example.org"))
                .eventId(EventId.parse("$x:other.org"))
                .depth(1)
                .originServerTs(1)
                .sign(ServerName.parse("example.org"), EXAMPLE);
        assertThat(EventSigning.requiredSigners(RoomVersionRules.V2, pdu.json()))
                .containsExactly("example.org", "other.org");
        assertThat(EventSigning.verify(pdu, LOOKUP).failure()).contains(Failure.MISSING_SIGNATURE);
        JsonObject both = EventSigning.sign(RoomVersionRules.V2, pdu.json(), "other.org", OTHER);
        assertThat(EventSigning.verify(RoomVersionRules.V2, both, LOOKUP).isValid())
                .isTrue();
    }

    @Test
    void restrictedJoinsNeedTheAuthorisingServerFromVersion8() {
        JsonObject content = new JsonObjectBuilder()
                .put("membership", "join")
                .put("join_authorised_via_users_server", "@bob:other.org")
                .build();
        for (RoomVersionRules rules : List.of(RoomVersionRules.V7, RoomVersionRules.V8, RoomVersionRules.V12)) {
            var builder = EventBuilder.forVersion(rules)
                    .type("m.room.member")
                    .stateKey("@alice:example.org")
                    .sender(UserId.parse("@alice:example.org"))
                    .content(content)
                    .depth(3)
                    .originServerTs(1);
            if (rules.eventFormat().roomIdInCreateEvent()) {
                builder.roomId(RoomId.parse("!r:example.org"));
            } else {
                builder.roomId(RoomId.parse("!Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ"));
            }
            Pdu join = builder.sign(ServerName.parse("example.org"), EXAMPLE);
            boolean needsOther = rules.signatures().checkJoinAuthorisedViaUsersServer();
            assertThat(EventSigning.requiredSigners(rules, join.json()).contains("other.org"))
                    .isEqualTo(needsOther);
            assertThat(EventSigning.verify(join, LOOKUP).isValid()).isEqualTo(!needsOther);
            JsonObject countersigned = EventSigning.sign(rules, join.json(), "other.org", OTHER);
            assertThat(EventSigning.verify(rules, countersigned, LOOKUP).isValid())
                    .isTrue();
        }
    }

    @Test
    void thirdPartyInvitesDoNotNeedTheSendersServer() {
        JsonObject content = CanonicalJsonHelper.object("{\"membership\":\"invite\",\"third_party_invite\":"
                + "{\"signed\":{\"mxid\":\"@carol:third.org\",\"token\":\"t\"}}}");
        JsonObject invite = EventBuilder.forVersion(RoomVersionRules.V10)
                .type("m.room.member")
                .stateKey("@carol:third.org")
                .sender(UserId.parse("@alice:example.org"))
                .roomId(RoomId.parse("!r:example.org"))
                .content(content)
                .depth(3)
                .originServerTs(1)
                .build(ServerName.parse("example.org"));
        assertThat(EventSigning.requiredSigners(RoomVersionRules.V10, invite)).isEmpty();
    }

    @Test
    void keyIdsOfOtherAlgorithmsAreSkipped() {
        Pdu pdu = message(RoomVersionRules.V10);
        JsonObject withUnknown = dev.lattice.protocol.crypto.JsonSigning.withSignature(
                pdu.json(), "example.org", "curve25519:x", "AAAA");
        assertThat(EventSigning.verify(RoomVersionRules.V10, withUnknown, LOOKUP)
                        .isValid())
                .isTrue();
        assertThat(KeyId.parse("curve25519:x").algorithm()).isEqualTo("curve25519");
    }

    /** Tiny helper so the test reads as JSON. */
    static final class CanonicalJsonHelper {
        static JsonObject object(String json) {
            return dev.lattice.protocol.json.CanonicalJson.parseObject(json);
        }
    }
}
