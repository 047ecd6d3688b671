package dev.lattice.syncapi.internal;

import dev.lattice.protocol.spec.MatrixException;

/**
 * A point in every stream {@code /sync} serves: its {@code next_batch} and {@code since}. Format:
 * {@code s<events>_<accountdata>}, the room events stream position (as in {@link StreamToken}, so a {@code /sync}
 * token also works as {@code /messages}' {@code from} or {@code /members}' {@code at}) followed by the account data
 * stream position. Each stream added later appends its position at the end; parsing ignores parts it does not know,
 * so a token written by a newer instance during a rolling upgrade still reads. A token without a part (an
 * {@code s<events>} token written before that stream existed) reads it as 0, the start of that stream: the client
 * then gets every change that stream ever recorded once, rather than missing any.
 *
 * <pre>{@code
 * SyncToken since = SyncToken.parse("s42_7", "since");  // 400 M_INVALID_PARAM if malformed
 * new SyncToken(57, 9).toString();                      // "s57_9"
 * }</pre>
 *
 * @param events the room events stream position
 * @param accountData the account data stream position
 */
public record SyncToken(long events, long accountData) {

    /**
     * Parses a token a client sent back.
     *
     * @param parameter the query parameter it came in, for the error message
     * @throws MatrixException {@code 400 M_INVALID_PARAM} when it is not a token this server wrote
     */
    public static SyncToken parse(String value, String parameter) {
        long events = StreamToken.parse(value, parameter).events();
        String[] parts = value.split("_", -1);
        if (parts.length < 2) {
            return new SyncToken(events, 0);
        }
        try {
            long accountData = Long.parseLong(parts[1]);
            if (accountData < 0) {
                throw StreamToken.invalid(value, parameter);
            }
            return new SyncToken(events, accountData);
        } catch (NumberFormatException e) {
            throw StreamToken.invalid(value, parameter);
        }
    }

    @Override
    public String toString() {
        return "s" + events + "_" + accountData;
    }
}
