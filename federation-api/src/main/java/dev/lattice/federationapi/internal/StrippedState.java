package dev.lattice.federationapi.internal;

import dev.lattice.api.roomserver.QueryStateApi;
import dev.lattice.protocol.id.RoomId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonObjectBuilder;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The state a remote user's client is shown with an invite ({@code invite_room_state}) or a knock
 * ({@code knock_room_state}): the room's create, join rules, name, avatar, canonical alias, topic and encryption
 * events, and one member's event, each stripped to type, state key, sender and content.
 */
final class StrippedState {
    private static final List<String> TYPES = List.of(
            "m.room.create",
            "m.room.join_rules",
            "m.room.name",
            "m.room.avatar",
            "m.room.canonical_alias",
            "m.room.topic",
            "m.room.encryption");

    private StrippedState() {}

    /** @param member whose membership event is included (the inviter, or the knocker) */
    static Mono<List<CanonicalJsonValue>> of(QueryStateApi rooms, RoomId roomId, String member) {
        return Flux.fromIterable(TYPES)
                .concatMap(type -> rooms.queryCurrentStateEvent(roomId, type, ""))
                .concatWith(rooms.queryCurrentStateEvent(roomId, "m.room.member", member))
                .flatMapIterable(found -> found.stream().toList())
                .map(event -> (CanonicalJsonValue) new JsonObjectBuilder()
                        .put("type", event.type())
                        .put("state_key", event.stateKey())
                        .put(
                                "sender",
                                CanonicalJson.parseObject(event.pdu())
                                        .getString("sender")
                                        .orElse(""))
                        .put("content", event.content())
                        .build())
                .collectList();
    }
}
