package dev.lattice.clientapi.internal;

import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonObjectBuilder;
import dev.lattice.protocol.json.JsonString;
import java.util.List;

/**
 * The client-server event format (spec "ClientEvent"): content, event_id, origin_server_ts, room_id, sender,
 * state_key, type, unsigned; no federation fields (auth_events, prev_events, depth, hashes, signatures).
 */
final class ClientEvents {
    private static final List<String> KEPT =
            List.of("content", "origin_server_ts", "sender", "state_key", "type", "unsigned", "redacts");

    static JsonObject format(StoredEvent event) {
        JsonObject pdu = CanonicalJson.parseObject(event.pdu());
        JsonObjectBuilder out = new JsonObjectBuilder();
        for (String key : KEPT) {
            pdu.get(key).ifPresent(value -> out.put(key, value));
        }
        out.put("event_id", JsonString.of(event.eventId().value()));
        out.put("room_id", JsonString.of(event.roomId().value()));
        return out.build();
    }

    static JsonObject content(StoredEvent event) {
        return CanonicalJson.parseObject(event.pdu()).getObject("content").orElse(JsonObject.EMPTY);
    }

    private ClientEvents() {}
}
