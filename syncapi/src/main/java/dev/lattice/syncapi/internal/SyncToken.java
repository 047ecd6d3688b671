package dev.lattice.syncapi.internal;

import dev.lattice.protocol.spec.MatrixException;

/**
 * A point in every stream {@code /sync} serves: its {@code next_batch} and {@code since}. Format:
 * {@code s<events>_<accountdata>_<todevice>}, the room events stream position (as in {@link StreamToken}, so a
 * {@code /sync} token also works as {@code /messages}' {@code from} or {@code /members}' {@code at}) followed by the
 * account data and to-device stream positions. Each stream added later appends its position at the end; parsing ignores parts it does not know,
 * so a token written by a newer instance during a rolling upgrade still reads. A token without a part (an
 * {@code s<events>} token written before that stream existed) reads it as 0, the start of that stream: the client
 * then gets every change that stream ever recorded once, rather than missing any.
 *
 * <pre>{@code
 * SyncToken since = SyncToken.parse("s42_7", "since");  // 400 M_INVALID_PARAM if malformed; to-device 0
 * new SyncToken(57, 9, 3).toString();                   // "s57_9_3"
 * }</pre>
 *
 * @param events the room events stream position
 * @param accountData the account data stream position
 * @param toDevice the to-device stream position: what the device has received (and acknowledges by sending it back)
 */
public record SyncToken(long events, long accountData, long toDevice) {

    /** A token with no to-device position (0). */
    public SyncToken(long events, long accountData) {
        this(events, accountData, 0);
    }

    /** This token with another to-device position. */
    public SyncToken withToDevice(long position) {
        return new SyncToken(events, accountData, position);
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
        return new SyncToken(events, part(parts, 1, value, parameter), part(parts, 2, value, parameter));
    }

    /** Part {@code index} of the token; 0 when the token has none (written before that stream existed). */
    private static long part(String[] parts, int index, String value, String parameter) {
        if (parts.length <= index) {
            return 0;
        }
        try {
            long position = Long.parseLong(parts[index]);
            if (position < 0) {
                throw StreamToken.invalid(value, parameter);
            }
            return position;
        } catch (NumberFormatException e) {
            throw StreamToken.invalid(value, parameter);
        }
    }

    @Override
    public String toString() {
        return "s" + events + "_" + accountData + "_" + toDevice;
    }
}
