package dev.lattice.protocol.auth;

import dev.lattice.protocol.json.CanonicalJsonValue;
import dev.lattice.protocol.json.JsonArray;
import dev.lattice.protocol.json.JsonBool;
import dev.lattice.protocol.json.JsonInteger;
import dev.lattice.protocol.json.JsonNull;
import dev.lattice.protocol.json.JsonObject;
import dev.lattice.protocol.json.JsonString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads test JSON with Jackson 3 into the canonical value model, until the protocol's own parser
 * ({@code CanonicalJson.parse}) is available. Floats are refused.
 */
public final class TestJson {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private TestJson() {}

    public static CanonicalJsonValue parse(String json) {
        return convert(MAPPER.readTree(json));
    }

    public static JsonObject object(String json) {
        return (JsonObject) parse(json);
    }

    public static CanonicalJsonValue read(Path path) {
        try {
            return parse(Files.readString(path));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    public static CanonicalJsonValue convert(JsonNode node) {
        return switch (node.getNodeType()) {
            case NULL -> JsonNull.INSTANCE;
            case BOOLEAN -> JsonBool.of(node.booleanValue());
            case STRING -> JsonString.of(node.stringValue());
            case NUMBER -> {
                if (!node.isIntegralNumber()) {
                    throw new IllegalArgumentException("float in test JSON: " + node);
                }
                yield JsonInteger.of(node.longValue());
            }
            case ARRAY -> {
                List<CanonicalJsonValue> values = new ArrayList<>();
                for (JsonNode value : node.values()) {
                    values.add(convert(value));
                }
                yield new JsonArray(values);
            }
            case OBJECT -> {
                TreeMap<String, CanonicalJsonValue> members = new TreeMap<>(JsonObject.KEY_ORDER);
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    members.put(entry.getKey(), convert(entry.getValue()));
                }
                yield new JsonObject(members);
            }
            case BINARY, MISSING, POJO -> throw new IllegalArgumentException("unexpected node " + node);
        };
    }
}
