package dev.lattice.syncapi.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.protocol.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A room's state at a new event, read once for the event by the consumer that stored it: the push rules read it, with
 * the contents they need, and it tells whom to wake.
 *
 * @param position the event's stream position
 * @param spans the spans of the state at {@code position}, and those that ended at it
 * @param contents the contents of some of those spans' events (the power levels, some members'), by event ID
 */
public record EventState(long position, List<StateSpan> spans, Map<String, JsonObject> contents) {

    public EventState {
        spans = List.copyOf(requireNonNull(spans, "spans is null"));
        contents = Map.copyOf(requireNonNull(contents, "contents is null"));
    }

    /**
     * The state at a later event, at {@code later}, when nothing changed the state in between (this event's spans
     * that are current: those that did not end at it).
     */
    public EventState currentAt(long later) {
        if (later <= position) {
            throw new IllegalArgumentException(later + " is not after " + position);
        }
        return new EventState(later, stateAfter(), contents);
    }

    /**
     * The state after the event: its spans that did not end at it, which are the state at every later event while
     * nothing changes the state.
     */
    public List<StateSpan> stateAfter() {
        return spans.stream().filter(span -> span.removedPosition().isEmpty()).toList();
    }

    /** The state at the event. */
    public List<StateSpan> state() {
        return spans.stream().filter(span -> span.activeAt(position)).toList();
    }

    /**
     * The users the event may concern ({@link SyncApiDatabase#usersToNotify}): those joined or invited at it, and
     * those whose membership began or ended at it.
     */
    public Set<String> usersToNotify() {
        Set<String> users = new LinkedHashSet<>();
        for (StateSpan span : spans) {
            if (!span.type().equals("m.room.member")) {
                continue;
            }
            boolean joinedOrInvited = span.activeAt(position)
                    && (span.membershipOrEmpty().equals("join")
                            || span.membershipOrEmpty().equals("invite"));
            boolean changedHere = span.addedPosition() == position
                    || span.removedPosition()
                            .map(removed -> removed == position)
                            .orElse(false);
            if (joinedOrInvited || changedHere) {
                users.add(span.stateKey());
            }
        }
        return users;
    }
}
