package dev.lattice.protocol.version;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The room versions this server supports, by identifier. Unknown versions are never guessed. */
public final class RoomVersions {

    /** Versions 1–12, oldest first. */
    public static final List<RoomVersionRules> ALL = List.of(
            RoomVersionRules.V1,
            RoomVersionRules.V2,
            RoomVersionRules.V3,
            RoomVersionRules.V4,
            RoomVersionRules.V5,
            RoomVersionRules.V6,
            RoomVersionRules.V7,
            RoomVersionRules.V8,
            RoomVersionRules.V9,
            RoomVersionRules.V10,
            RoomVersionRules.V11,
            RoomVersionRules.V12);

    private static final Map<RoomVersionId, RoomVersionRules> BY_ID =
            ALL.stream().collect(Collectors.toUnmodifiableMap(RoomVersionRules::id, Function.identity()));

    private RoomVersions() {}

    /** The rules of {@code id}, or empty if this server does not support it. */
    public static Optional<RoomVersionRules> rules(RoomVersionId id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /** The rules of the version named {@code value} (as a remote server sends it), or empty if not supported here. */
    public static Optional<RoomVersionRules> rules(String value) {
        return ALL.stream().filter(rules -> rules.id().toString().equals(value)).findFirst();
    }
}
