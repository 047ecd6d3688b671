package dev.lattice.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.crypto.JsonSigning;
import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.crypto.VerifyKey;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.EventSigning;
import dev.lattice.protocol.event.EventSigning.ServerKeyId;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.version.AuthorizationRules;
import dev.lattice.protocol.version.RoomVersionRules;
import dev.lattice.protocol.version.RoomVersions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The real signature checks behind {@link AuthVerifiers#withKeys}, and their agreement with {@link EventSigning}. */
class AuthVerifiersTest {
    private static final SigningKey EXAMPLE = SigningKey.generate("a");
    private static final SigningKey OTHER = SigningKey.generate("b");
    private static final Map<ServerKeyId, VerifyKey> KEYS = Map.of(
            new ServerKeyId("example.org", EXAMPLE.keyId()), EXAMPLE.verifyKey(),
            new ServerKeyId("other.org", OTHER.keyId()), OTHER.verifyKey());
    private static final Function<ServerKeyId, Optional<VerifyKey>> LOOKUP = k -> Optional.ofNullable(KEYS.get(k));

    private static Pdu membership(RoomVersionRules rules, String membership) {
        return EventBuilder.forVersion(rules)
                .type("m.room.member")
                .stateKey("@carol:example.org")
                .sender(UserId.parse("@carol:example.org"))
                .roomId(RoomId.parse("!room:example.org"))
                .depth(3)
                .originServerTs(1000)
                .content(new JsonObjectBuilder()
                        .put("membership", membership)
                        .put("join_authorised_via_users_server", "@bob:other.org")
                        .build())
                .sign(ServerName.parse("example.org"), EXAMPLE);
    }

    @Test
    void serverSignatureVerifierChecksTheNamedServersSignature() {
        Pdu join = membership(RoomVersionRules.V10, "join");
        ServerSignatureVerifier verifier = ServerSignatureVerifier.withKeys(LOOKUP);
        assertThat(verifier.isSignedBy(join, "example.org")).isTrue();
        assertThat(verifier.isSignedBy(join, "other.org")).isFalse();
        Pdu countersigned =
                Pdu.of(RoomVersionRules.V10, EventSigning.sign(RoomVersionRules.V10, join.json(), "other.org", OTHER));
        assertThat(verifier.isSignedBy(countersigned, "other.org")).isTrue();
        // An event that is not a PDU has no signatures to check.
        assertThat(verifier.isSignedBy(
                        TestingRoomEvent.fromJson(countersigned
                                .json()
                                .with("event_id", dev.lattice.protocol.json.JsonString.of(countersigned.eventId()))),
                        "other.org"))
                .isFalse();
    }

    /**
     * Rule 4.2 of v8 (5.2 of v12) applies to every membership. Signature verification on receipt requires the
     * authorising server under the same condition, so {@link ServerSignatureVerifier#CHECKED_ON_RECEIPT} is sound.
     */
    @Test
    void requiredSignersAndTheAuthRuleAgree() {
        for (RoomVersionRules rules : RoomVersions.ALL) {
            assertThat(rules.signatures().checkJoinAuthorisedViaUsersServer())
                    .as("version " + rules.id())
                    .isEqualTo(rules.authorization().restrictedJoinRule());
        }
        for (String membership : List.of("join", "leave", "invite")) {
            Pdu event = membership(RoomVersionRules.V10, membership);
            assertThat(EventSigning.requiredSigners(RoomVersionRules.V10, event.json()))
                    .as(membership)
                    .contains("other.org");
            assertThat(EventSigning.verify(event, LOOKUP).failure())
                    .as(membership)
                    .contains(EventSigning.Failure.MISSING_SIGNATURE);
        }
        assertThat(EventSigning.requiredSigners(
                        RoomVersionRules.V7,
                        membership(RoomVersionRules.V7, "join").json()))
                .containsExactly("example.org");
    }

    @Test
    void authRuleUsesTheRealVerifier() {
        TestRoom room = TestRoom.create(AuthorizationRules.V10, "10", "@alice:example.org")
                .publicChat("@alice:example.org");
        Pdu join = membership(RoomVersionRules.V10, "join");
        AuthResult unsigned = AuthCheck.check(
                AuthorizationRules.V10, join, StateLookup.of(room.state()), AuthVerifiers.withKeys(LOOKUP));
        assertThat(unsigned.failure()).contains(AuthFailure.INVALID_SIGNATURE);
    }

    @Test
    void thirdPartyInviteSignaturesAreCheckedAgainstEveryPublicKey() {
        SigningKey identityServer = SigningKey.generate("0");
        JsonObject signed = JsonSigning.sign(
                new JsonObjectBuilder()
                        .put("mxid", "@carol:example.org")
                        .put("token", "abc")
                        .build(),
                "id.example.org",
                identityServer);
        String wrongKey = SigningKey.generate("0").verifyKey().publicKeyBase64();
        String rightKey = identityServer.verifyKey().publicKeyBase64();
        ThirdPartyInviteVerifier verifier = ThirdPartyInviteVerifier.ED25519;
        assertThat(verifier.verify(signed, List.of("not base64!", wrongKey, rightKey)))
                .isTrue();
        assertThat(verifier.verify(signed, List.of(wrongKey))).isFalse();
        assertThat(verifier.verify(
                        signed.with("token", dev.lattice.protocol.json.JsonString.of("other")), List.of(rightKey)))
                .isFalse();
        assertThat(verifier.verify(signed.without("signatures"), List.of(rightKey)))
                .isFalse();
    }
}
