package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.crypto.SigningKey;
import dev.lattice.protocol.event.EventBuilder;
import dev.lattice.protocol.event.Pdu;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.version.RoomVersionRules;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthOrderTest {
    private static final ServerName SERVER = ServerName.parse("remote.test");
    private static final SigningKey KEY = SigningKey.generate("k");
    private static final RoomVersionRules RULES = RoomVersionRules.V10;
    private static final RoomId ROOM = RoomId.of("room", SERVER);
    private static final UserId BOB = UserId.of("bob", SERVER);

    private static Pdu event(String type, String stateKey, long depth, List<Pdu> auth) {
        EventBuilder builder = EventBuilder.forVersion(RULES)
                .type(type)
                .stateKey(stateKey)
                .sender(BOB)
                .roomId(ROOM)
                .content(CanonicalJson.parseObject("{\"membership\":\"join\",\"creator\":\"" + BOB + "\"}"))
                .authEvents(auth.stream().map(Pdu::id).toList())
                .prevEvents(List.<EventId>of())
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

        assertThat(AuthOrder.sort(List.of(joinRules, powerLevels, join, create)))
                .containsExactly(create, join, powerLevels, joinRules);
    }

    @Test
    void authEventsOutsideTheSetHoldNothingBackAndDuplicatesGoOnce() {
        Pdu create = event("m.room.create", "", 1, List.of());
        Pdu join = event("m.room.member", BOB.value(), 2, List.of(create));
        Pdu topic = event("m.room.topic", "", 3, List.of(create, join));

        assertThat(AuthOrder.sort(List.of(topic, join, join))).containsExactly(join, topic);
    }
}
