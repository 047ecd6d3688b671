package dev.lattice.runtime.bus;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON codec for bus payloads (the versioned records of {@code common/api}), so producers and consumers in
 * every service read and write them alike. Unknown fields are ignored, so a newer producer's additive fields do not
 * break an older consumer during a rolling upgrade.
 */
public final class BusJson {
    private static final Logger log = LoggerFactory.getLogger(BusJson.class);
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public static byte[] encode(Object payload) {
        return MAPPER.writeValueAsBytes(payload);
    }

    /**
     * @throws tools.jackson.core.JacksonException when the bytes are not a {@code type}: a poison record, which the
     *     consumer parks
     */
    public static <T> T decode(byte[] payload, Class<T> type) {
        return MAPPER.readValue(payload, type);
    }

    /**
     * The payload as a tree, for a consumer that tells payload types apart by their fields before decoding with
     * {@link #decode(JsonNode, Class)}.
     *
     * @throws tools.jackson.core.JacksonException when the bytes are not JSON: a poison record
     */
    public static JsonNode tree(byte[] payload) {
        return MAPPER.readTree(payload);
    }

    /** As {@link #decode(byte[], Class)}, from a {@link #tree}. */
    public static <T> T decode(JsonNode tree, Class<T> type) {
        return MAPPER.treeToValue(tree, type);
    }

    /**
     * The record's payload as a {@code type}, or empty (and logged) when its {@code version} is newer than
     * {@code understood}: consumers skip versions newer than they know, so a producer can be upgraded first.
     *
     * @throws tools.jackson.core.JacksonException when the bytes are not a {@code type}: a poison record
     */
    public static <T> Optional<T> decodeVersioned(BusRecord record, int understood, Class<T> type) {
        long version = MAPPER.readTree(record.payload()).path("version").asLong(0);
        if (version > understood) {
            log.info("{} record of version {} (newer than {}) skipped", record.topic(), version, understood);
            return Optional.empty();
        }
        return Optional.of(decode(record.payload(), type));
    }

    private BusJson() {}
}
