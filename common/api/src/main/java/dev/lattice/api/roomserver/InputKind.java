package dev.lattice.api.roomserver;

/** How an event reaches the roomserver, which decides what the roomserver does with it after the checks. */
public enum InputKind {
    /**
     * A new event at the end of the room's timeline: built by a local client's request, or received in a federation
     * transaction. Its state is computed, it may move the forward extremities and the current state, and when
     * accepted it is published as a {@link NewRoomEvent}.
     */
    NEW,
    /**
     * An event known only by itself (an auth event or a state event fetched from another server): checked against
     * its own auth events and stored, with no state, no forward extremity and no output.
     */
    OUTLIER,
    /**
     * An event from before the room's known history ({@code /backfill}): checked and stored with its state, published
     * as a {@link NewRoomEvent} with {@code historical = true}; it never moves the forward extremities or the current
     * state. An event held as an {@link #OUTLIER} (the state a remote join started from) becomes backfilled this way:
     * it then gains its state and its place in the timeline.
     */
    BACKFILLED,
    /**
     * A membership event of one of this server's users in a room this server does not hold: an invite received over
     * federation, or the leave that rejects it. Stored by itself (no state, no auth beyond the signatures the
     * federation-api checked) and published as a {@link NewRoomEvent} whose state delta is that membership alone, so
     * the user sees it; the room's own events only come once this server joins.
     */
    OUTSIDE_MEMBERSHIP
}
