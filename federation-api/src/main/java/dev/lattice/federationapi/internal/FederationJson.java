package dev.lattice.federationapi.internal;

import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The JSON shapes the federation endpoints share: arrays of PDUs, in and out. */
final class FederationJson {
    private FederationJson() {}

    /** The stored events as the PDU array of an answer. */
    static JsonArray pdus(List<StoredEvent> events) {
        List<CanonicalJsonValue> out = new ArrayList<>(events.size());
        events.forEach(event -> out.add(CanonicalJson.parseObject(event.pdu())));
        return new JsonArray(out);
    }

    /** The objects of the array {@code body[key]}; anything else in it is skipped, a missing array is empty. */
    static List<JsonObject> objects(JsonObject body, String key) {
        List<JsonObject> out = new ArrayList<>();
        body.getArray(key).map(JsonArray::values).orElse(List.of()).forEach(value -> {
            if (value instanceof JsonObject object) {
                out.add(object);
            }
        });
        return out;
    }

    /** The strings of the array {@code body[key]}, each once, in order; anything else in it is skipped. */
    static Set<String> strings(JsonObject body, String key) {
        Set<String> out = new LinkedHashSet<>();
        body.getArray(key).map(JsonArray::values).orElse(List.of()).forEach(value -> {
            if (value instanceof JsonString s) {
                out.add(s.value());
            }
        });
        return out;
    }
}
