package dev.lattice.roomserver.internal.query;

import dev.lattice.protocol.auth.AuthEventTypes;
import dev.lattice.protocol.auth.StateLookup;
import dev.lattice.protocol.event.RoomEvent;

/**
 * The <a href="https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-7">history visibility</a> rules: may
 * a user see an event, given the room state at it. Pure: the caller loads the states and whether the user joined
 * later.
 *
 * <ol>
 *   <li>{@code world_readable}: allow;
 *   <li>the user's membership was {@code join}: allow;
 *   <li>{@code shared}, and the user joined at the event or any time after: allow;
 *   <li>{@code invited}, and the user's membership was {@code invite}: allow;
 *   <li>otherwise deny.
 * </ol>
 * For {@code m.room.history_visibility} events, and for the user's own membership events, the event is visible if
 * the state before or the state after it allows it.
 */
public final class HistoryVisibility {
    public static final String TYPE = "m.room.history_visibility";
    /** What a room without a history visibility event gets (the spec's default). */
    public static final String DEFAULT = "shared";

    private HistoryVisibility() {}

    /**
     * @param userId the viewer
     * @param event the event viewed
     * @param before the room state before the event
     * @param after the room state after it (the same as {@code before} unless it is a state event)
     * @param joinedSince whether the user has an accepted join at the event or later
     */
    public static boolean visible(
            String userId, RoomEvent event, StateLookup before, StateLookup after, boolean joinedSince) {
        if (allowedBy(userId, before, joinedSince)) {
            return true;
        }
        boolean boundary = event.type().equals(TYPE)
                || (event.type().equals(AuthEventTypes.MEMBER)
                        && event.stateKey().orElse("").equals(userId));
        return boundary && allowedBy(userId, after, joinedSince);
    }

    private static boolean allowedBy(String userId, StateLookup state, boolean joinedSince) {
        String visibility = state.get(TYPE, "")
                .flatMap(e -> e.content().getString("history_visibility"))
                .orElse(DEFAULT);
        if (visibility.equals("world_readable")) {
            return true;
        }
        String membership = state.get(AuthEventTypes.MEMBER, userId)
                .flatMap(e -> e.content().getString("membership"))
                .orElse(AuthEventTypes.LEAVE);
        if (membership.equals(AuthEventTypes.JOIN)) {
            return true;
        }
        if (visibility.equals("shared") && joinedSince) {
            return true;
        }
        return visibility.equals("invited") && membership.equals(AuthEventTypes.INVITE);
    }
}
