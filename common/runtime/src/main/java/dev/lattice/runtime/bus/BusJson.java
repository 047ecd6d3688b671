package dev.lattice.runtime.bus;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON codec for bus payloads (the versioned records of {@code common/api}), so producers and consumers in
 * every service read and write them alike. Unknown fields are ignored, so a newer producer's additive fields do not
 * break an older consumer during a rolling upgrade.
 */
public final class BusJson {
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

    private BusJson() {}
}
