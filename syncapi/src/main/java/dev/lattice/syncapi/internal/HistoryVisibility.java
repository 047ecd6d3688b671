package dev.lattice.syncapi.internal;

import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import java.util.List;
import java.util.Set;

/**
 * Which events a user may see, by the spec's
 * <a href="https://spec.matrix.org/v1.19/client-server-api/#history-visibility">history visibility rules</a>, over the
 * user's membership history in the room (the {@link StateSpan}s of their {@code m.room.member} state) and the
 * visibility in effect before each event (stored with it):
 * <ol>
 *   <li>{@code world_readable}: allow;
 *   <li>the user's membership at the event was {@code join}: allow;
 *   <li>{@code shared}, and the user was joined at some point after the event: allow;
 *   <li>the user's membership at the event was {@code invite}, and the visibility {@code invited}: allow;
 *   <li>otherwise deny.
 * </ol>
 * For {@code m.room.history_visibility} events, the visibility before or after the event may allow it; for the
 * user's own {@code m.room.member} events, their membership before or after the event may. An unset or unknown
 * visibility counts as {@code shared}, as Synapse does.
 *
 * <p>"Membership at the event" is the membership in the state just before the event's stream position.
 */
public final class HistoryVisibility {
    public static final String WORLD_READABLE = "world_readable";
    public static final String SHARED = "shared";
    public static final String INVITED = "invited";
    public static final String JOINED = "joined";

    private static final Set<String> KNOWN = Set.of(WORLD_READABLE, SHARED, INVITED, JOINED);

    private HistoryVisibility() {}

    /** The visibility a value of {@code content.history_visibility} means. */
    public static String normalize(String value) {
        return value != null && KNOWN.contains(value) ? value : SHARED;
    }

    /**
     * Whether {@code userId} may see {@code event}.
     *
     * @param memberships every membership span of the user in the event's room
     */
    public static boolean canSee(StoredEvent event, String userId, List<StateSpan> memberships) {
        long position = event.position();
        String before = normalize(event.historyVisibility());
        String after = event.type().equals("m.room.history_visibility")
                        && event.stateKey().orElse("-").isEmpty()
                ? normalize(event.content().getString("history_visibility").orElse(null))
                : before;
        String membershipBefore = membershipAt(memberships, position - 1);
        String membershipAfter = event.type().equals("m.room.member")
                        && event.stateKey().orElse("").equals(userId)
                ? membershipAt(memberships, position)
                : membershipBefore;
        boolean joinedLater = joinedAfter(memberships, position);
        return allowed(before, membershipBefore, joinedLater)
                || allowed(after, membershipBefore, joinedLater)
                || allowed(before, membershipAfter, joinedLater)
                || allowed(after, membershipAfter, joinedLater);
    }

    /** Rules 1–5 for one visibility and one membership. */
    static boolean allowed(String visibility, String membership, boolean joinedAfterEvent) {
        return visibility.equals(WORLD_READABLE)
                || membership.equals("join")
                || (visibility.equals(SHARED) && joinedAfterEvent)
                || (visibility.equals(INVITED) && membership.equals("invite"));
    }

    /** The user's membership at {@code position}; empty when they had none. */
    static String membershipAt(List<StateSpan> memberships, long position) {
        for (StateSpan span : memberships) {
            if (span.activeAt(position)) {
                return span.membershipOrEmpty();
            }
        }
        return "";
    }

    /** Whether the user was joined at some point after {@code position}. */
    static boolean joinedAfter(List<StateSpan> memberships, long position) {
        for (StateSpan span : memberships) {
            if (span.membershipOrEmpty().equals("join")
                    && span.removedPosition()
                            .map(removed -> removed > position + 1)
                            .orElse(true)) {
                return true;
            }
        }
        return false;
    }
}
