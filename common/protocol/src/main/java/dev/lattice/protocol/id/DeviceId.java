package dev.lattice.protocol.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A device ID: opaque, non-empty, at most 255 bytes. The spec gives no further grammar. */
public record DeviceId(String value) {

    public DeviceId {
        IdValidation.deviceId(value);
    }

    @JsonCreator
    public static DeviceId parse(String value) {
        return new DeviceId(value);
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
