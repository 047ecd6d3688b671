package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.ephemeral.PresenceUpdate;
import dev.lattice.api.ephemeral.ReceiptUpdate;
import dev.lattice.api.ephemeral.TypingUpdate;
import dev.lattice.api.keyserver.DeviceListChange;
import dev.lattice.api.syncapi.DirectToDevice;
import dev.lattice.protocol.id.DeviceId;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EdusTest {
    private static final ServerName ORIGIN = ServerName.parse("remote.test");
    private static final RoomId ROOM = RoomId.parse("!room:remote.test");
    private static final UserId BOB = UserId.parse("@bob:remote.test");
    private static final ServerName HERE = ServerName.parse("here.test");

    @Test
    void typingGoesOutAndComesBackAsTheSameUpdate() {
        TypingUpdate update = TypingUpdate.of(ROOM, BOB, true, 30_000);
        var edu = Edus.typing(update);
        assertThat(edu.getString("edu_type")).contains("m.typing");
        assertThat(Edus.parseTyping(edu.getObject("content").orElseThrow(), ORIGIN))
                .contains(update);
    }

    @Test
    void receiptsGoOutAndComeBackWithTheirThread() {
        ReceiptUpdate update = ReceiptUpdate.of(ROOM, BOB, "m.read", EventId.parse("$e"), Optional.of("$thread"), 7);
        var edu = Edus.receipt(update);
        assertThat(edu.getString("edu_type")).contains("m.receipt");
        assertThat(Edus.parseReceipts(edu.getObject("content").orElseThrow(), ORIGIN, 99))
                .containsExactly(update);
    }

    @Test
    void presenceGoesOutAndComesBackWithItsStatusMessage() {
        PresenceUpdate update = PresenceUpdate.of(BOB, "unavailable", "lunch", 120_000, false);
        var edu = Edus.presence(update);
        assertThat(edu.getString("edu_type")).contains("m.presence");
        assertThat(Edus.parsePresence(edu.getObject("content").orElseThrow(), ORIGIN))
                .containsExactly(update);
        PresenceUpdate plain = PresenceUpdate.of(BOB, "online", null, 0, true);
        assertThat(Edus.parsePresence(Edus.presence(plain).getObject("content").orElseThrow(), ORIGIN))
                .containsExactly(plain);
    }

    @Test
    void presenceOfOtherServersUsersOrMalformedIsSkippedAndOneEduCarriesAtMostAHundred() {
        var content = CanonicalJson.parseObject("""
                {"push": [
                  {"user_id": "@eve:elsewhere.test", "presence": "online", "last_active_ago": 1},
                  {"user_id": "@bob:remote.test", "presence": "away", "last_active_ago": 1},
                  {"user_id": "@bob:remote.test", "presence": "online", "last_active_ago": -5},
                  {"user_id": "@bob:remote.test", "presence": "online", "status_msg": 7},
                  "not an object",
                  {"user_id": "@carol:remote.test", "presence": "offline", "status_msg": null}]}""");
        assertThat(Edus.parsePresence(content, ORIGIN))
                .containsExactly(PresenceUpdate.of(UserId.parse("@carol:remote.test"), "offline", null, 0, false));
        StringBuilder many = new StringBuilder("{\"push\": [");
        for (int i = 0; i < 150; i++) {
            many.append(i == 0 ? "" : ",")
                    .append("{\"user_id\": \"@u")
                    .append(i)
                    .append(":remote.test\", \"presence\": \"online\"}");
        }
        assertThat(Edus.parsePresence(CanonicalJson.parseObject(many + "]}"), ORIGIN))
                .hasSize(Edus.MAX_PRESENCE_UPDATES);
    }

    @Test
    void anOriginSpeaksOnlyForItsOwnUsersAndMalformedEntriesAreSkipped() {
        var typing = CanonicalJson.parseObject(
                "{\"room_id\":\"!room:remote.test\",\"user_id\":\"@eve:elsewhere.test\",\"typing\":true}");
        assertThat(Edus.parseTyping(typing, ORIGIN)).isEmpty();
        assertThat(Edus.parseTyping(CanonicalJson.parseObject("{\"room_id\":\"!room:remote.test\"}"), ORIGIN))
                .isEmpty();
        var receipts = CanonicalJson.parseObject("""
                {"!room:remote.test": {"m.read": {
                  "@eve:elsewhere.test": {"event_ids": ["$a"], "data": {"ts": 1}},
                  "@bob:remote.test": {"event_ids": [], "data": {"ts": 1}},
                  "not a user": {"event_ids": ["$a"]},
                  "@carol:remote.test": {"event_ids": ["$c"]}}}}""");
        assertThat(Edus.parseReceipts(receipts, ORIGIN, 42))
                .containsExactly(ReceiptUpdate.of(
                        ROOM, UserId.parse("@carol:remote.test"), "m.read", EventId.parse("$c"), Optional.empty(), 42));
    }

    @Test
    void toDeviceMessagesGoOutPerServerAndComeInForOurUsersOnly() {
        DirectToDevice sent = DirectToDevice.of(BOB, "m.room.encrypted", "m1", "{}");
        var messages = CanonicalJson.parseObject("{\"@alice:here.test\":{\"PHONE\":{\"ciphertext\":\"x\"}}}");
        var edu = Edus.directToDevice(sent, messages);
        assertThat(edu.getString("edu_type")).contains("m.direct_to_device");

        var received = Edus.parseDirectToDevice(edu.getObject("content").orElseThrow(), ORIGIN, HERE);
        assertThat(received)
                .contains(DirectToDevice.of(BOB, "m.room.encrypted", "m1", CanonicalJson.encodeToString(messages)));

        var mixed = CanonicalJson.parseObject("""
                {"sender": "@bob:remote.test", "type": "m.dummy", "message_id": "m2", "messages": {
                  "@alice:here.test": {"*": {}},
                  "@carl:third.test": {"LAPTOP": {}},
                  "@dora:here.test": {"": {}},
                  "@erin:here.test": {"TABLET": "not an object"}}}""");
        assertThat(Edus.parseDirectToDevice(mixed, ORIGIN, HERE).orElseThrow().messagesJson())
                .isEqualTo("{\"@alice:here.test\":{\"*\":{}}}");
    }

    @Test
    void toDeviceMessagesOfAnotherServersUserOrWithoutAMessageIdAreDropped() {
        var forged = CanonicalJson.parseObject("""
                {"sender": "@eve:elsewhere.test", "type": "m.dummy", "message_id": "m3",
                 "messages": {"@alice:here.test": {"*": {}}}}""");
        assertThat(Edus.parseDirectToDevice(forged, ORIGIN, HERE)).isEmpty();
        var noId = CanonicalJson.parseObject("""
                {"sender": "@bob:remote.test", "type": "m.dummy", "messages": {"@alice:here.test": {"*": {}}}}""");
        assertThat(Edus.parseDirectToDevice(noId, ORIGIN, HERE)).isEmpty();
    }

    @Test
    void deviceListUpdatesNameNoPreviousUpdateAndComeBackAsChanges() {
        var edu = Edus.deviceListUpdate(BOB, DeviceId.parse("PHONE"), true, 1234);
        var content = edu.getObject("content").orElseThrow();
        assertThat(content.getArray("prev_id").orElseThrow().size()).isZero();
        assertThat(content.getInteger("stream_id")).contains(1234L);
        assertThat(Edus.parseDeviceListUpdate(content, ORIGIN))
                .contains(DeviceListChange.of(BOB, Optional.of(DeviceId.parse("PHONE")), true));
        assertThat(Edus.parseDeviceListUpdate(content, ServerName.parse("elsewhere.test")))
                .isEmpty();

        var signing = Edus.signingKeyUpdate(BOB, Optional.empty(), Optional.of(CanonicalJson.parseObject("{}")));
        var signingContent = signing.getObject("content").orElseThrow();
        assertThat(signingContent.has("master_key")).isFalse();
        assertThat(signingContent.has("self_signing_key")).isTrue();
        assertThat(Edus.parseSigningKeyUpdate(signingContent, ORIGIN))
                .contains(DeviceListChange.of(BOB, Optional.empty(), false));
    }
}
