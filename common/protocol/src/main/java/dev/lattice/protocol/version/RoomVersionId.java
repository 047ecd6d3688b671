package dev.lattice.protocol.version;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.lattice.protocol.id.IdValidation;
import dev.lattice.protocol.id.InvalidIdException;
import java.util.Map;

/**
 * A room version identifier, an open set: the versions this library knows are cached constants, and {@link #of}
 * returns a new instance for any other well-formed identifier rather than failing, so that an unknown version can be
 * reported (as {@code M_UNSUPPORTED_ROOM_VERSION}) instead of crashing the parser. Whether a version is supported is
 * {@link RoomVersions#rules}'s question.
 *
 * <p>Grammar (<a href="https://spec.matrix.org/v1.19/rooms/">Room versions</a>): 1–32 code points of
 * {@code a-z 0-9 . -}.
 */
public final class RoomVersionId {
    public static final RoomVersionId V1 = new RoomVersionId("1");
    public static final RoomVersionId V2 = new RoomVersionId("2");
    public static final RoomVersionId V3 = new RoomVersionId("3");
    public static final RoomVersionId V4 = new RoomVersionId("4");
    public static final RoomVersionId V5 = new RoomVersionId("5");
    public static final RoomVersionId V6 = new RoomVersionId("6");
    public static final RoomVersionId V7 = new RoomVersionId("7");
    public static final RoomVersionId V8 = new RoomVersionId("8");
    public static final RoomVersionId V9 = new RoomVersionId("9");
    public static final RoomVersionId V10 = new RoomVersionId("10");
    public static final RoomVersionId V11 = new RoomVersionId("11");
    public static final RoomVersionId V12 = new RoomVersionId("12");

    private static final Map<String, RoomVersionId> KNOWN = Map.ofEntries(
            Map.entry("1", V1),
            Map.entry("2", V2),
            Map.entry("3", V3),
            Map.entry("4", V4),
            Map.entry("5", V5),
            Map.entry("6", V6),
            Map.entry("7", V7),
            Map.entry("8", V8),
            Map.entry("9", V9),
            Map.entry("10", V10),
            Map.entry("11", V11),
            Map.entry("12", V12));

    private final String value;

    private RoomVersionId(String value) {
        this.value = value;
    }

    /**
     * The identifier {@code value}: a cached constant for known versions, a new instance otherwise.
     *
     * @throws InvalidIdException if {@code value} is empty, longer than 32 code points, or has characters outside
     *     {@code a-z 0-9 . -}
     */
    @JsonCreator
    public static RoomVersionId of(String value) {
        requireNonNull(value, "value is null");
        RoomVersionId known = KNOWN.get(value);
        if (known != null) {
            return known;
        }
        if (value.isEmpty()) {
            throw new InvalidIdException(IdValidation.Reason.EMPTY, "empty room version");
        }
        if (value.codePointCount(0, value.length()) > 32) {
            throw new InvalidIdException(IdValidation.Reason.TOO_LONG, "room version longer than 32 code points");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
                throw new InvalidIdException(
                        IdValidation.Reason.INVALID_CHARACTERS,
                        "room version \"" + value + "\" has characters outside a-z0-9.-");
            }
        }
        return new RoomVersionId(value);
    }

    /** Whether this is one of the versions with a constant here (1–12). */
    public boolean isKnown() {
        return KNOWN.get(value) == this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoomVersionId other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
