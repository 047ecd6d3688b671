package dev.lattice.syncapi.internal;

import dev.lattice.protocol.spec.ErrorCode;
import dev.lattice.protocol.spec.MatrixException;

/**
 * A point in the room events stream, given to clients as an opaque string: {@code prev_batch},
 * {@code start}/{@code end}/{@code from}/{@code to} of {@code /messages}, and {@code at} of {@code /members}.
 *
 * <p>Format: {@code s<events>}, where {@code events} is a stream position of the room events stream: the point just
 * after the event at that position. {@code /sync}'s tokens ({@link SyncToken}) start the same way and append the
 * positions of the other streams as {@code _<position>}; parsing here ignores those parts, so a {@code next_batch}
 * works wherever a room events token does. Positions may be negative: backfilled events sit below zero.
 *
 * <pre>{@code
 * StreamToken since = StreamToken.parse("s42");        // 400 M_INVALID_PARAM if malformed
 * StreamToken next = new StreamToken(57);
 * next.toString();                                      // "s57"
 * }</pre>
 *
 * @param events the room events stream position
 */
public record StreamToken(long events) {

    /** The point before every event. */
    public static final StreamToken START = new StreamToken(Long.MIN_VALUE);

    /**
     * Parses a token a client sent back.
     *
     * @param parameter the query parameter it came in, for the error message
     * @throws MatrixException {@code 400 M_INVALID_PARAM} when it is not a token this server wrote. (Synapse answers
     *     {@code 400 M_UNKNOWN} "Invalid stream token"; {@code M_INVALID_PARAM} is the spec's code for a parameter
     *     with a wrong value.)
     */
    public static StreamToken parse(String value, String parameter) {
        if (value == null || value.length() < 2 || value.charAt(0) != 's') {
            throw invalid(value, parameter);
        }
        int end = value.indexOf('_');
        String events = end < 0 ? value.substring(1) : value.substring(1, end);
        try {
            return new StreamToken(Long.parseLong(events));
        } catch (NumberFormatException e) {
            throw invalid(value, parameter);
        }
    }

    /** The error for a token this server did not write. */
    static MatrixException invalid(String value, String parameter) {
        return new MatrixException(ErrorCode.INVALID_PARAM, "Invalid " + parameter + " token: " + value);
    }

    @Override
    public String toString() {
        return "s" + events;
    }
}
