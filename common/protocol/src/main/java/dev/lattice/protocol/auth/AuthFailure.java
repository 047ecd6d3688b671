package dev.lattice.protocol.auth;

/** Why an event failed the authorization rules; the message in {@link AuthResult} gives the details. */
public enum AuthFailure {
    /** {@code m.room.create} with {@code prev_events}. */
    CREATE_HAS_PREV_EVENTS,
    /** {@code m.room.create} whose room ID does not belong to the sender's server (v1–11) or to the event (v12). */
    CREATE_ROOM_ID_MISMATCH,
    /** {@code m.room.create} with an unknown or malformed {@code room_version}. */
    CREATE_UNKNOWN_ROOM_VERSION,
    /** {@code m.room.create} without {@code creator} (v1–10). */
    CREATE_MISSING_CREATOR,
    /** {@code m.room.create} with malformed {@code additional_creators} (v12). */
    CREATE_INVALID_ADDITIONAL_CREATORS,
    /** No {@code m.room.create} event in the state, or one that is not this room's. */
    NO_CREATE_EVENT,
    /** The listed auth events are not acceptable: a duplicate, a kind the selection does not allow, or missing. */
    INVALID_AUTH_EVENTS,
    /** An auth event belongs to another room. */
    AUTH_EVENT_FROM_OTHER_ROOM,
    /** The room does not federate and the sender is on another server than the creator. */
    NOT_FEDERATED,
    /** {@code m.room.aliases} (v1–5) whose state key is not the sender's server. */
    ALIASES_SERVER_MISMATCH,
    /** {@code m.room.member} without a state key or a {@code membership}, or with an unknown membership. */
    INVALID_MEMBERSHIP,
    /** A signature the rules require is missing or invalid. */
    INVALID_SIGNATURE,
    /** The membership change is not allowed by the join rule, the memberships or the power levels. */
    MEMBERSHIP_CHANGE_NOT_ALLOWED,
    /** The sender, or the target, is banned. */
    BANNED,
    /** A third-party invite that does not match its {@code m.room.third_party_invite} event. */
    INVALID_THIRD_PARTY_INVITE,
    /** The sender is not joined to the room. */
    SENDER_NOT_JOINED,
    /** The sender's power level is below the level required. */
    INSUFFICIENT_POWER,
    /** A state key starting with {@code @} that is not the sender. */
    STATE_KEY_NOT_SENDER,
    /** An {@code m.room.power_levels} event whose content is malformed. */
    INVALID_POWER_LEVELS,
    /** An {@code m.room.power_levels} change the sender has no power to make. */
    POWER_LEVELS_CHANGE_NOT_ALLOWED,
    /** A redaction the sender may not send (room versions 1 and 2). */
    REDACTION_NOT_ALLOWED
}
