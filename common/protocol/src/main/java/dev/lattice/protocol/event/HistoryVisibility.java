package dev.lattice.protocol.event;

import java.util.Optional;
import java.util.Set;

/**
 * The <a href="https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-7">history visibility</a> rules: may
 * a user see an event, given the room's history visibility and the user's membership just before and just after the
 * event. Pure: the caller loads the states (the roomserver from its state snapshots, the sync API from its membership
 * spans) and whether the user joined later.
 *
 * <ol>
 *   <li>{@code world_readable}: allow;
 *   <li>the user's membership was {@code join}: allow;
 *   <li>{@code shared}, and the user joined the room at any point after the event: allow;
 *   <li>{@code invited}, and the user's membership was {@code invite}: allow;
 *   <li>otherwise deny.
 * </ol>
 * For {@code m.room.history_visibility} events and for the user's own {@code m.room.member} events, the event is
 * visible if the rules allow it with the state before or with the state after it. An unset or unknown visibility
 * counts as {@code shared}: the spec's default, and what Synapse does with values it does not know.
 */
public final class HistoryVisibility {
    public static final String TYPE = "m.room.history_visibility";
    public static final String WORLD_READABLE = "world_readable";
    public static final String SHARED = "shared";
    public static final String INVITED = "invited";
    public static final String JOINED = "joined";

    private static final Set<String> KNOWN = Set.of(WORLD_READABLE, SHARED, INVITED, JOINED);

    private HistoryVisibility() {}

    /**
     * The room's visibility and the viewer's membership on one side of an event.
     *
     * @param visibility {@code content.history_visibility} in effect; null or unknown means {@code shared}
     * @param membership the viewer's {@code content.membership}; null or empty when they have none
     */
    public record Side(String visibility, String membership) {
        public Side {
            visibility = normalize(visibility);
            membership = membership == null ? "" : membership;
        }
    }

    /** The visibility a value of {@code content.history_visibility} means. */
    public static String normalize(String value) {
        return value != null && KNOWN.contains(value) ? value : SHARED;
    }

    /**
     * Whether {@code viewer} may see an event.
     *
     * @param viewer the user ID of the viewer
     * @param type the event's type
     * @param stateKey the event's state key, empty for a message event
     * @param before the visibility and the viewer's membership in the state just before the event
     * @param after the same just after the event (equal to {@code before} unless the event is one of the two kinds of
     *     state event that change them)
     * @param joinedAfter whether the viewer was joined to the room at some point after the event
     */
    public static boolean visible(
            String viewer, String type, Optional<String> stateKey, Side before, Side after, boolean joinedAfter) {
        if (allowed(before, joinedAfter)) {
            return true;
        }
        boolean ownMembership =
                type.equals("m.room.member") && stateKey.orElse("").equals(viewer);
        if (ownMembership && endsInviteOrKnock(before, after)) {
            // NOTSPEC, as Synapse: the viewer's own leave that rejects an invite or withdraws a knock, else the room
            // would never leave their client's invite or knock list
            return true;
        }
        boolean boundary = (type.equals(TYPE) && stateKey.orElse("-").isEmpty()) || ownMembership;
        return boundary && allowed(after, joinedAfter);
    }

    private static boolean endsInviteOrKnock(Side before, Side after) {
        return after.membership().equals("leave")
                && (before.membership().equals("invite") || before.membership().equals("knock"));
    }

    /** Rules 1–5 for one side of an event. */
    public static boolean allowed(Side side, boolean joinedAfter) {
        String visibility = side.visibility();
        String membership = side.membership();
        return visibility.equals(WORLD_READABLE)
                || membership.equals("join")
                || (visibility.equals(SHARED) && joinedAfter)
                || (visibility.equals(INVITED) && membership.equals("invite"));
    }
}
