package dev.lattice.syncapi.internal;

import dev.lattice.protocol.spec.MatrixException;
import java.util.Arrays;

/**
 * A point in every stream {@code /sync} serves: its {@code next_batch} and {@code since}. Format:
 * {@code s<events>_<accountdata>_<todevice>...}, one position per {@link SyncStream} in that enum's order. The first is
 * the room events stream position (as in {@link StreamToken}, so a {@code /sync} token also works as
 * {@code /messages}' {@code from} or {@code /members}' {@code at}).
 *
 * <p>Parsing ignores parts it does not know, so a token written by a newer instance during a rolling upgrade still
 * reads. A token without a part (written before that stream existed) reads it as 0, the start of that stream: the
 * client then gets what that stream holds once, rather than missing any of it.
 *
 * <pre>{@code
 * SyncToken since = SyncToken.parse("s42_7", "since");  // 400 M_INVALID_PARAM if malformed; to-device 0
 * SyncToken.of(57, 9, 3).toString();                    // "s57_9_3"
 * since.position(SyncStream.ACCOUNT_DATA);              // 7
 * }</pre>
 */
public final class SyncToken {
    private static final int STREAMS = SyncStream.values().length;

    /** Indexed by {@link SyncStream#ordinal()}. */
    private final long[] positions;

    private SyncToken(long[] positions) {
        this.positions = positions;
    }

    /**
     * A token from positions in {@link SyncStream} order; streams not given are at 0.
     *
     * @throws IllegalArgumentException for more positions than there are streams
     */
    public static SyncToken of(long... positions) {
        if (positions.length > STREAMS) {
            throw new IllegalArgumentException("more positions than streams: " + positions.length);
        }
        return new SyncToken(Arrays.copyOf(positions, STREAMS));
    }

    /** The position in {@code stream}. */
    public long position(SyncStream stream) {
        return positions[stream.ordinal()];
    }

    /** The room events stream position. */
    public long events() {
        return position(SyncStream.EVENTS);
    }

    /** This token with {@code stream} at {@code position}. */
    public SyncToken with(SyncStream stream, long position) {
        long[] copy = positions.clone();
        copy[stream.ordinal()] = position;
        return new SyncToken(copy);
    }

    /**
     * Parses a token a client sent back.
     *
     * @param parameter the query parameter it came in, for the error message
     * @throws MatrixException {@code 400 M_INVALID_PARAM} when it is not a token this server wrote
     */
    public static SyncToken parse(String value, String parameter) {
        long events = StreamToken.parse(value, parameter).events();
        String[] parts = value.split("_", -1);
        long[] positions = new long[STREAMS];
        positions[0] = events;
        for (int i = 1; i < STREAMS && i < parts.length; i++) {
            positions[i] = part(parts[i], value, parameter);
        }
        return new SyncToken(positions);
    }

    private static long part(String part, String value, String parameter) {
        try {
            long position = Long.parseLong(part);
            if (position < 0) {
                throw StreamToken.invalid(value, parameter);
            }
            return position;
        } catch (NumberFormatException e) {
            throw StreamToken.invalid(value, parameter);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SyncToken token && Arrays.equals(positions, token.positions);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(positions);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("s").append(positions[0]);
        for (int i = 1; i < STREAMS; i++) {
            out.append('_').append(positions[i]);
        }
        return out.toString();
    }
}
