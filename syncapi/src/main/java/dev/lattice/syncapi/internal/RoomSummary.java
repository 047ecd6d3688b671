package dev.lattice.syncapi.internal;

import dev.lattice.syncapi.storage.StateSpan;
import java.util.Comparator;
import java.util.List;

/**
 * Who is in a room, from its state: the counts and heroes of {@code /sync}'s {@code summary} and of a sliding sync
 * room.
 *
 * @param heroes up to {@link #HEROES} members other than the user, joined or invited first, longest-standing first;
 *     when there are none, those who left (so a room the others left is still named after them)
 */
public record RoomSummary(long joined, long invited, List<String> heroes) {
    /** How many heroes a room has at most (the spec's recommendation). */
    public static final int HEROES = 5;

    public RoomSummary {
        heroes = List.copyOf(heroes);
    }

    public static RoomSummary of(List<StateSpan> state, String user) {
        List<StateSpan> members = state.stream()
                .filter(span -> span.type().equals("m.room.member"))
                .sorted(Comparator.comparingLong(StateSpan::addedPosition))
                .toList();
        long joined = members.stream()
                .filter(span -> span.membershipOrEmpty().equals("join"))
                .count();
        long invited = members.stream()
                .filter(span -> span.membershipOrEmpty().equals("invite"))
                .count();
        List<String> heroes = members.stream()
                .filter(span -> !span.stateKey().equals(user))
                .filter(span -> span.membershipOrEmpty().equals("join")
                        || span.membershipOrEmpty().equals("invite"))
                .map(StateSpan::stateKey)
                .limit(HEROES)
                .toList();
        if (heroes.isEmpty()) {
            heroes = members.stream()
                    .filter(span -> !span.stateKey().equals(user))
                    .map(StateSpan::stateKey)
                    .limit(HEROES)
                    .toList();
        }
        return new RoomSummary(joined, invited, heroes);
    }
}
