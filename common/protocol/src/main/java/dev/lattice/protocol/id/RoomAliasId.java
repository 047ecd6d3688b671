package dev.lattice.protocol.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A room alias, {@code #localpart:server_name} (<a href="https://spec.matrix.org/v1.19/appendices/#room-aliases">Room Aliases</a>). */
public record RoomAliasId(String value) {

    public RoomAliasId {
        IdValidation.roomAlias(value);
    }

    @JsonCreator
    public static RoomAliasId parse(String value) {
        return new RoomAliasId(value);
    }

    public String localpart() {
        return value.substring(1, value.indexOf(':'));
    }

    public ServerName serverName() {
        return new ServerName(value.substring(value.indexOf(':') + 1));
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
