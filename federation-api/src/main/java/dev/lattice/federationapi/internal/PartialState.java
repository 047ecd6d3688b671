package dev.lattice.federationapi.internal;

import dev.lattice.api.roomserver.StoredEvent;
import dev.lattice.protocol.id.UserId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The state a {@code send_join} with {@code omit_members=true} answers
 * (<a href="https://spec.matrix.org/v1.19/server-server-api/#put_matrixfederationv2send_joinroomideventid">spec</a>):
 * the room's state without its member events, except, in a room with neither a name nor a canonical alias, the
 * member events of the heroes the joining server's clients will name the room by.
 */
final class PartialState {
    /** The heroes of a room summary: at most this many members. */
    static final int HEROES = 5;

    private static final Set<String> HERO_MEMBERSHIPS = Set.of("join", "invite");

    private PartialState() {}

    /** {@code state} without the member events but the heroes' (none when the room has a name or an alias). */
    static List<StoredEvent> withoutMembers(List<StoredEvent> state, UserId joiner) {
        List<StoredEvent> kept = new ArrayList<>();
        List<StoredEvent> members = new ArrayList<>();
        boolean named = false;
        for (StoredEvent event : state) {
            if (event.type().equals("m.room.member")) {
                members.add(event);
                continue;
            }
            kept.add(event);
            named |= (event.type().equals("m.room.name")
                            && !event.content().getString("name").orElse("").isEmpty())
                    || (event.type().equals("m.room.canonical_alias")
                            && !event.content().getString("alias").orElse("").isEmpty());
        }
        if (!named) {
            // The spec's heroes come first by stream order, which another server cannot see: the oldest by
            // origin_server_ts stands in for it (event ID to break ties).
            members.stream()
                    .filter(member -> !joiner.value().equals(member.stateKey()))
                    .filter(member -> member.content()
                            .getString("membership")
                            .filter(HERO_MEMBERSHIPS::contains)
                            .isPresent())
                    .sorted(Comparator.comparingLong(StoredEvent::originServerTs)
                            .thenComparing(member -> member.eventId().value()))
                    .limit(HEROES)
                    .forEach(kept::add);
        }
        return kept;
    }
}
