package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventOrderTest {
    private static final ServerName SERVER = ServerName.parse("remote.test");
    private static final SigningKey KEY = SigningKey.generate("k");
    private static final RoomVersionRules RULES = RoomVersionRules.V10;
    private static final RoomId ROOM = RoomId.of("room", SERVER);
    private static final UserId BOB = UserId.of("bob", SERVER);

    private static Pdu event(String type, String stateKey, long depth, List<Pdu> auth) {
        return event(type, stateKey, depth, auth, List.of());
    }

    private static Pdu event(String type, String stateKey, long depth, List<Pdu> auth, List<Pdu> prev) {
        EventBuilder builder = EventBuilder.forVersion(RULES).type(type).sender(BOB);
        if (stateKey != null) {
            builder.stateKey(stateKey);
        }
        builder.sender(BOB)
                .roomId(ROOM)
                .content(CanonicalJson.parseObject("{\"membership\":\"join\",\"creator\":\"" + BOB + "\"}"))
                .authEvents(auth.stream().map(Pdu::id).toList())
                .prevEvents(prev.stream().map(Pdu::id).toList())
                .depth(depth)
                .originServerTs(depth);
        return builder.sign(SERVER, KEY);
    }

    @Test
    void eachEventComesAfterItsAuthEventsWhateverTheDepthsSay() {
        Pdu create = event("m.room.create", "", 5, List.of());
        Pdu join = event("m.room.member", BOB.value(), 1, List.of(create));
        Pdu powerLevels = event("m.room.power_levels", "", 2, List.of(create, join));
        Pdu joinRules = event("m.room.join_rules", "", 3, List.of(create, join, powerLevels));

        assertThat(EventOrder.byAuthEvents(List.of(joinRules, powerLevels, join, create)))
                .containsExactly(create, join, powerLevels, joinRules);
    }

    @Test
    void authEventsOutsideTheSetHoldNothingBackAndDuplicatesGoOnce() {
        Pdu create = event("m.room.create", "", 1, List.of());
        Pdu join = event("m.room.member", BOB.value(), 2, List.of(create));
        Pdu topic = event("m.room.topic", "", 3, List.of(create, join));

        assertThat(EventOrder.byAuthEvents(List.of(topic, join, join))).containsExactly(join, topic);
    }

    @Test
    void historyComesEachEventAfterItsPrevEventsEvenWhenDepthsLie() {
        Pdu create = event("m.room.create", "", 1, List.of());
        Pdu first = event("m.room.message", null, 9, List.of(create), List.of(create));
        Pdu second = event("m.room.message", null, 3, List.of(create), List.of(first));
        Pdu third = event("m.room.message", null, 4, List.of(create), List.of(second));

        assertThat(EventOrder.byPrevEvents(List.of(third, second, first))).containsExactly(first, second, third);
    }
}
