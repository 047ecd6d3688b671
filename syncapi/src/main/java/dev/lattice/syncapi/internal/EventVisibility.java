package dev.lattice.syncapi.internal;

import dev.lattice.protocol.event.HistoryVisibility;
import dev.lattice.syncapi.storage.StateSpan;
import dev.lattice.syncapi.storage.StoredEvent;
import java.util.List;

/**
 * Which events a user may see: the protocol's {@link HistoryVisibility} rules, fed from the read model. The
 * visibility before each event is stored with it; the user's membership around it comes from their membership
 * history in the room (the {@link StateSpan}s of their {@code m.room.member} state). "Membership at the event" is the
 * membership in the state just before the event's stream position.
 */
public final class EventVisibility {

    private EventVisibility() {}

    /**
     * Whether {@code userId} may see {@code event}.
     *
     * @param memberships every membership span of the user in the event's room
     */
    public static boolean canSee(StoredEvent event, String userId, List<StateSpan> memberships) {
        long position = event.position();
        String visibilityBefore = event.historyVisibility();
        String visibilityAfter = event.type().equals(HistoryVisibility.TYPE)
                        && event.stateKey().orElse("-").isEmpty()
                ? event.content().getString("history_visibility").orElse(null)
                : visibilityBefore;
        String membershipBefore = membershipAt(memberships, position - 1);
        String membershipAfter = event.type().equals("m.room.member")
                        && event.stateKey().orElse("").equals(userId)
                ? membershipAt(memberships, position)
                : membershipBefore;
        return HistoryVisibility.visible(
                userId,
                event.type(),
                event.stateKey(),
                new HistoryVisibility.Side(visibilityBefore, membershipBefore),
                new HistoryVisibility.Side(visibilityAfter, membershipAfter),
                joinedAfter(memberships, position));
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
