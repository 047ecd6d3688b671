package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.ephemeral.ReceiptUpdate;
import dev.lattice.api.ephemeral.TypingUpdate;
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
}
