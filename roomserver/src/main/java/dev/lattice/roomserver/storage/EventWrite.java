package dev.lattice.roomserver.storage;

import static java.util.Objects.requireNonNull;

import dev.lattice.api.roomserver.SendTransaction;
import dev.lattice.protocol.auth.StateKey;
import java.util.List;
import java.util.Map;

/**
 * Everything that storing one decided event changes, written atomically by {@link RoomserverDatabase#store}.
 *
 * @param newRoom the room to create, for a create event; null otherwise
 * @param event the event; its snapshot IDs are filled in by the database
 * @param stateBase the stored snapshot {@code stateBefore} was derived from (the state after the first prev event),
 *     reused as is when equal; null when there is none
 * @param stateBefore the state before the event; null when it has none (outliers, rejected events)
 * @param entersState whether the event is part of the state after it (an accepted state event with state)
 * @param removesExtremities prev events that stop being forward extremities
 * @param addsExtremity whether the event becomes a forward extremity
 * @param currentStateAdds current state entries to set
 * @param currentStateRemoves current state entries to remove
 * @param transaction the client transaction to record; null for none
 * @param redaction a redaction that takes effect with this event; null for none
 * @param outbox the {@code roomserver.output} records to publish, in order
 * @param partialState whether the event's state was computed from a partial state (its room is partial), so its
 *     snapshots are replaced when the room's state is complete
 * @param startsPartialState for this server's own join with a partial state: the servers in the room, which mark the
 *     room partial; null otherwise
 */
public record EventWrite(
        RoomRow newRoom,
        EventRow event,
        StateSnapshot stateBase,
        Map<StateKey, String> stateBefore,
        boolean entersState,
        List<String> removesExtremities,
        boolean addsExtremity,
        List<CurrentStateRow> currentStateAdds,
        List<StateKey> currentStateRemoves,
        SendTransaction transaction,
        AppliedRedaction redaction,
        List<OutboxRecord> outbox,
        boolean partialState,
        List<String> startsPartialState) {

    /** A redaction taking effect: the target's redacted bytes, and who redacted it. */
    public record AppliedRedaction(String targetEventId, byte[] redactedPdu, String redactionEventId) {
        public AppliedRedaction {
            requireNonNull(targetEventId, "targetEventId is null");
            requireNonNull(redactedPdu, "redactedPdu is null");
            requireNonNull(redactionEventId, "redactionEventId is null");
        }
    }

    /** One {@code roomserver.output} record as bus JSON. */
    public record OutboxRecord(String eventId, byte[] payload) {
        public OutboxRecord {
            requireNonNull(eventId, "eventId is null");
            requireNonNull(payload, "payload is null");
        }
    }

    public EventWrite {
        requireNonNull(event, "event is null");
        stateBefore = stateBefore == null ? null : Map.copyOf(stateBefore);
        removesExtremities = List.copyOf(removesExtremities);
        currentStateAdds = List.copyOf(currentStateAdds);
        currentStateRemoves = List.copyOf(currentStateRemoves);
        outbox = List.copyOf(outbox);
        startsPartialState = startsPartialState == null ? null : List.copyOf(startsPartialState);
    }

    /** A write that only records the event (a rejected one, or an outlier): no state, no extremity, no output. */
    public static EventWrite eventOnly(RoomRow newRoom, EventRow event) {
        return new EventWrite(
                newRoom, event, null, null, false, List.of(), false, List.of(), List.of(), null, null, List.of(), false,
                null);
    }
}
