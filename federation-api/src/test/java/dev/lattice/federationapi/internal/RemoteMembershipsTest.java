package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.spec.MatrixException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The template check: nothing is signed unless it is exactly the join we asked for. */
class RemoteMembershipsTest {
    private static final RoomId ROOM = RoomId.parse("!room:remote.test");
    private static final UserId ALICE = UserId.parse("@alice:lattice.test");
    private static final String GOOD = """
            {"type":"m.room.member","room_id":"!room:remote.test","sender":"@alice:lattice.test",
             "state_key":"@alice:lattice.test","content":{"membership":"join"},"depth":5,
             "prev_events":["$a"],"auth_events":["$b"],"origin_server_ts":1}""";

    @Test
    void anExactJoinTemplateIsAccepted() {
        JsonObject template = CanonicalJson.parseObject(GOOD);
        assertThat(RemoteMemberships.checkedTemplate(template, ROOM, ALICE)).isEqualTo(template);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"type\":\"m.room.member\"|\"type\":\"m.room.power_levels\"",
                "\"room_id\":\"!room:remote.test\"|\"room_id\":\"!other:remote.test\"",
                "\"sender\":\"@alice:lattice.test\"|\"sender\":\"@mallory:lattice.test\"",
                "\"state_key\":\"@alice:lattice.test\"|\"state_key\":\"@bob:remote.test\"",
                "{\"membership\":\"join\"}|{\"membership\":\"leave\"}",
                "{\"membership\":\"join\"}|{\"membership\":\"ban\"}",
            })
    void anythingElseIsNeverSigned(String change) {
        String[] fromTo = change.split("\\|");
        JsonObject template = CanonicalJson.parseObject(GOOD.replace(fromTo[0], fromTo[1]));
        assertThatThrownBy(() -> RemoteMemberships.checkedTemplate(template, ROOM, ALICE))
                .isInstanceOf(MatrixException.class)
                .hasMessageContaining("not a join");
    }
}
