package dev.lattice.syncapi.internal;

/**
 * The streams {@code /sync} serves, each with its own position in a {@link SyncToken}, in the order the token lists
 * them. Append only: a token keeps its meaning across versions because a stream never changes its place, and a new
 * stream goes at the end (tokens written before it existed read its position as 0).
 *
 * <p>Each stream has one {@link SyncStreamProvider}; adding a stream is a constant here and a provider bean.
 */
public enum SyncStream {
    /** Room events (timelines, state, memberships): the roomserver's output as the syncapi stored it. */
    EVENTS,
    /** Account data changes, global and per room (content held by the client-api). */
    ACCOUNT_DATA,
    /** The device's to-device inbox: a device's position is what it has received, and acknowledges. */
    TO_DEVICE,
    /** Typing notifications, in memory ({@link TypingRooms}). */
    TYPING,
    /** Read receipts ({@code syncapi.receipts}). */
    RECEIPTS,
    /** Device list changes ({@code syncapi.device_list_changes}) and the room memberships that decide who hears. */
    DEVICE_LISTS,
    /** Presence ({@code syncapi.presence}). */
    PRESENCE;
}
