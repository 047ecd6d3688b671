package dev.lattice.federationapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.id.EventId;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.id.ServerName;
import dev.lattice.protocol.id.UserId;
import dev.lattice.protocol.version.RoomVersionId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartialStateTest {
    private static final ServerName SERVER = ServerName.parse("here.test");
    private static final RoomId ROOM = RoomId.of("room", SERVER);
    private static final UserId JOINER = UserId.of("joiner", ServerName.parse("there.test"));

    private static int next;

    private static StoredEvent event(String type, String stateKey, String content, long ts) {
        String id = "$e" + (next++);
        String pdu = "{\"content\":" + content + ",\"origin_server_ts\":" + ts + ",\"type\":\"" + type + "\"}";
        return new StoredEvent(ROOM, RoomVersionId.V10, EventId.parse(id), type, stateKey, pdu, null);
    }

    private static StoredEvent member(String localpart, String membership, long ts) {
        return event(
                "m.room.member", UserId.of(localpart, SERVER).value(), "{\"membership\":\"" + membership + "\"}", ts);
    }

    private static List<StoredEvent> room(StoredEvent... extra) {
        List<StoredEvent> state = new ArrayList<>(List.of(
                event("m.room.create", "", "{}", 1),
                event("m.room.power_levels", "", "{}", 3),
                event("m.room.join_rules", "", "{\"join_rule\":\"public\"}", 4)));
        state.addAll(List.of(extra));
        return state;
    }

    @Test
    void aNamedRoomSendsNoMemberEvents() {
        List<StoredEvent> state = room(
                member("alice", "join", 2), member("bob", "join", 5), event("m.room.name", "", "{\"name\":\"N\"}", 6));

        assertThat(PartialState.withoutMembers(state, JOINER))
                .extracting(StoredEvent::type)
                .containsExactly("m.room.create", "m.room.power_levels", "m.room.join_rules", "m.room.name");
    }

    @Test
    void aRoomWithAnAliasSendsNoMemberEventsButAnEmptyNameDoesNotCount() {
        List<StoredEvent> aliased = room(
                member("alice", "join", 2),
                event("m.room.canonical_alias", "", "{\"alias\":\"#a:here.test\"}", 6),
                event("m.room.name", "", "{\"name\":\"\"}", 7));
        assertThat(PartialState.withoutMembers(aliased, JOINER))
                .extracting(StoredEvent::type)
                .doesNotContain("m.room.member");

        List<StoredEvent> emptyName = room(member("alice", "join", 2), event("m.room.name", "", "{\"name\":\"\"}", 7));
        assertThat(PartialState.withoutMembers(emptyName, JOINER))
                .extracting(StoredEvent::stateKey)
                .contains("@alice:here.test");
    }

    @Test
    void anUnnamedRoomSendsTheFirstFiveJoinedOrInvitedMembersButTheJoiner() {
        List<StoredEvent> state = room(
                member("m7", "join", 17),
                member("m1", "join", 11),
                member("gone", "leave", 10),
                member("banned", "ban", 9),
                member("m2", "invite", 12),
                member("m3", "join", 13),
                member("m4", "join", 14),
                member("m5", "join", 15),
                member("m6", "join", 16),
                event("m.room.member", JOINER.value(), "{\"membership\":\"invite\"}", 8));

        assertThat(PartialState.withoutMembers(state, JOINER))
                .filteredOn(event -> event.type().equals("m.room.member"))
                .extracting(StoredEvent::stateKey)
                .containsExactly("@m1:here.test", "@m2:here.test", "@m3:here.test", "@m4:here.test", "@m5:here.test");
    }
}
